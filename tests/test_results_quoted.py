"""The README quotes benchmark results: each figure must be in the results file it comes from."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_readme_handwriting_figures_come_from_the_results_file():
    readme = (ROOT / "README.md").read_text()
    results = json.loads((ROOT / "benchmarks" / "results" / "handwriting.json").read_text())
    runs = results["runs"]
    quoted = {f"{100 * run['overall']:.2f} %" for run in runs.values()}
    quoted |= {f"{100 * results['ceiling']['overall']:.2f} %"}
    quoted |= {f"{100 * results['mnist_through_prepare'][kind]:.2f} %" for kind in ("as stored", "inverted")}
    section = readme[readme.index("**How well it generalises**"):readme.index("`benchmarks/inference_speed.py`")]
    for figure in re.findall(r"\d+\.\d\d %", section):
        assert figure in quoted, f"README quotes {figure}, which benchmarks/results/handwriting.json does not hold"
    assert f"{results['photos']:,} photos" in section and "AVX2" in results["machine"].upper()
