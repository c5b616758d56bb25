"""The README and docs/ quote benchmark results: each figure must be in the results file it comes from."""

import json
import re
from pathlib import Path

ROOT = Path(__file__).parent.parent
DOCS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))


def doc(name: str) -> str:
    """The text of the README (README.md) or of a page of docs/ (recipe.md, handwriting.md)."""
    return (ROOT / name if name == "README.md" else ROOT / "docs" / name).read_text()


def test_readme_handwriting_figures_come_from_the_results_file():
    readme = doc("handwriting.md")
    results = json.loads((ROOT / "benchmarks" / "results" / "handwriting.json").read_text())
    runs = results["runs"]
    quoted = {f"{100 * run['overall']:.2f} %" for run in runs.values()}
    quoted |= {f"{100 * results['ceiling']['overall']:.2f} %"}
    quoted |= {f"{100 * results['mnist_through_prepare'][kind]:.2f} %" for kind in ("as stored", "inverted")}
    other = json.loads((ROOT / "benchmarks" / "results" / "handwriting-strokes.json").read_text())  # other weights
    quoted |= {f"{100 * other['weights_test_accuracy']:.2f} %", f"{100 * other['ceiling']['overall']:.2f} %"}
    quoted |= {f"{100 * run['overall']:.2f} %" for run in other["runs"].values()}
    quoted |= {f"{100 * other['mnist_through_prepare'][kind]:.2f} %" for kind in ("as stored", "inverted")}
    section = readme[readme.index("**How well it generalises**"):readme.index("`benchmarks/inference_speed.py`")]
    for figure in re.findall(r"\d+\.\d\d %", section):
        assert figure in quoted, f"README quotes {figure}, which benchmarks/results/handwriting.json does not hold"
    assert f"{results['photos']:,} photos" in section and "AVX2" in results["machine"].upper()


def results(name: str) -> dict:
    return json.loads((ROOT / "benchmarks" / "results" / name).read_text())


def test_every_results_file_the_readme_cites_exists():
    readme = "\n".join(path.read_text() for path in DOCS)
    cited = set(re.findall(r"`(?:benchmarks/results/)?([a-z_]+(?:-[a-z0-9-]+)?\.json)`", readme))
    assert {"handwriting.json", "accuracy.json", "train_speed-avx2.json", "recipes-avx2.json"} <= cited
    for name in cited:
        assert (ROOT / "benchmarks" / "results" / name).is_file(), f"README cites {name}, which is not there"


def speed_rows(section: str, kind: str) -> tuple[str, ...]:
    """The rows of the speed table for one machine kind: the default, (float32 when it ran bfloat16,) the seed."""
    lines = section.splitlines()
    first = lines.index(next(line for line in lines if f"`train_speed-{kind}.json`" in line))
    end = next((i for i in range(first + 1, len(lines)) if not lines[i].startswith("| |")), len(lines))
    return tuple(lines[first:end])


def test_readme_speed_figures_come_from_the_results_files():
    readme = doc("recipe.md")
    section = readme[readme.index("# The recipe, and how it was chosen"):readme.index("**Bundled weights**")]
    for kind, precision, cpu in (("avx2", "float32", "AVX2"), ("avx512-bf16", "bfloat16", "AVX512_BF16")):
        speed = results(f"train_speed-{kind}.json")
        assert cpu in speed["machine"].upper() and speed["project_precision"] == precision
        row, *others, seed_row = speed_rows(section, kind)
        for figure in (f"{speed['project_seconds_to_98_8']:.1f} s", f"{speed['project_seconds_to_99_0']:.1f} s",
                       f"{100 * speed['project_final_accuracy']:.2f} %", f"{speed['speedup_to_98_8']:.1f}x",
                       f"({precision} on this CPU)"):
            assert figure in row, f"README's {kind} row lacks {figure} of train_speed-{kind}.json"
        for figure in (f"{speed['seed_seconds_to_98_8']:.1f} s", f"{100 * speed['seed_final_accuracy']:.2f} %"):
            assert figure in seed_row, f"README's seed row lacks {figure} of train_speed-{kind}.json"
        if precision == "bfloat16":
            assert f"{speed['project_float32_seconds_to_98_8']:.1f} s" in others[0]
            assert f"{speed['speedup_to_98_8_float32']:.1f}x" in others[0]
    recipes = (results("recipes-avx2.json"), results("recipes-avx512-bf16.json"))  # the table's two column groups
    for name in recipes[0]["variants"]:
        line = next(line for line in section.splitlines() if line.startswith(f"| {name} |"))
        cells = line.strip("| ").split(" | ")[1:]
        for group, run in enumerate(recipes):
            variant = run["variants"][name]
            final, epochs, seconds = cells[3 * group : 3 * group + 3]
            assert final == f"{100 * variant['final_min']:.2f}-{100 * variant['final_max']:.2f} %", f"{name!r} is stale"
            assert epochs == ", ".join(map(str, variant["epochs_to_99_0"])), f"README's row {name!r} is stale"
            assert seconds.startswith(f"{variant['seconds_per_epoch']:.2f} s"), f"README's row {name!r} is stale"


def test_readme_second_opinion_figures_come_from_its_results_file():
    readme = doc("handwriting.md")
    second = results("second_opinion.json")
    section = readme[readme.index("**A second opinion**"):readme.index("`benchmarks/inference_speed.py`")]
    earlier = results("second_opinion-3fad2f8.json")  # the package before the line vote and the faint plateau
    before = results("second_opinion-e67e8c3.json")  # the package before the sheet step
    prior = results("second_opinion-7096a4f.json")  # the package before the narrowed window and the centring
    last = results("second_opinion-37b1649.json")  # before the printed words, answer lines, writing at full size
    latest = results("second_opinion-e5eb4d5.json")  # before the valley past the strokes and the sharper veto
    newest = results("second_opinion-14a05e7.json")  # before the scale the ink is searched at and the grain
    guards = results("second_opinion-c9ef498.json")  # each step switched off; before the dashes of skipping chalk
    figures = ((second, "overall"), (second, "ceiling"), (earlier, "overall"), (before, "overall"), (prior, "overall"),
               (last, "overall"), (latest, "overall"), (newest, "overall"), (guards, "overall"))
    quoted = {f"{100 * run[key]:.1f} %" for run, key in figures}
    quoted |= {f"{100 * row['accuracy']:.1f} %" for run in (second, before, prior, last, latest, newest, guards)
               for row in run["conditions"].values()}
    for figure in re.findall(r"\d+\.\d %", section):
        assert figure in quoted, f"README quotes {figure}, which benchmarks/results/second_opinion.json does not hold"
    assert f"{second['photos']:,} photos" in section and "AVX2" in second["machine"].upper()


def test_readme_accuracy_table_comes_from_the_results_file():
    readme = doc("recipe.md")
    saved = results("accuracy.json")
    start = readme.index("`benchmarks/accuracy.py` (30 epochs each")
    section = readme[start:readme.index("On the AVX512-BF16 machine (`benchmarks/accuracy.py --only-best`")]
    assert "AVX2" in saved["machine"].upper() and "AVX2" in section
    for run in saved["runs"]:
        line = next(row for row in section.splitlines() if row.startswith((f"| {run['name']} |",
                                                                            f"| **{run['name']}** (")))
        for figure in (run["val_acc"], run["test_acc"]):
            assert f"{100 * figure:.2f} %" in line, f"README's row {run['name']!r} is stale"


def test_readme_inference_speed_table_comes_from_its_results_files():
    readme = doc("handwriting.md")
    section = readme[readme.index("`benchmarks/inference_speed.py`, bundled weights"):readme.index("the seed's naive")]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ") and line.count(" | ") == 2][1:]
    for column, (kind, cpu) in enumerate((("avx2", "AVX2"), ("avx512-bf16", "AVX512_BF16")), start=1):
        speed = results(f"inference_speed-{kind}.json")
        assert cpu in speed["machine"].upper() and f"inference_speed-{kind}.json" in section
        column_text = " ".join(row[column] for row in rows)
        throughput = round(speed["model_images_per_second"], -3)
        for figure in (f"{speed['small_image_ms']:.1f} ms", f"{speed['photo_12mp_ms']:.0f} ms",
                       f"{speed['photo_48mp_ms']:.0f} ms", f"{throughput:,.0f} images/s",
                       f"{100 * speed['photographed_mnist_accuracy']:.1f} %"):
            assert figure in column_text, f"README's inference table lacks {figure} of inference_speed-{kind}.json"


def test_readme_best_recipe_on_the_second_machine_comes_from_its_results_file():
    readme = doc("recipe.md")
    saved = results("accuracy_best-avx512-bf16.json")
    (best,) = saved["runs"]
    assert "AVX512_BF16" in saved["machine"].upper() and best["config"]["precision"] == "float32"
    start = readme.index("`benchmarks/results/accuracy_best-avx512-bf16.json`")
    sentence = readme[start:readme.index("a seed.", start)]
    figures = [f"{100 * best['test_acc']:.2f} % ± {100 * best['test_acc_std']:.2f}", f"{best['seconds']:.0f} s"]
    figures += [f"{100 * acc:.2f}" for acc in best["test_acc_per_seed"]]
    for figure in figures:
        assert figure in sentence, f"README lacks {figure} of accuracy_best-avx512-bf16.json"


def test_readme_grading_time_comes_from_its_results_file():
    readme = doc("README.md")
    [name] = re.findall(r"`benchmarks/results/(grading-[a-z0-9-]+\.json)`", readme)
    saved = results(name)
    sentence = readme[readme.index(f"`benchmarks/results/{name}`"):readme.index("one notebook after another")]
    assert f"{saved['seconds_per_student']:.0f} s" in sentence and f"{saved['class_minutes']:.0f} minutes" in sentence
    assert "AVX512_BF16" in saved["machine"].upper() and saved["class_size"] == 30


def test_readme_class_load_table_comes_from_its_results_file():
    readme = doc("README.md")
    [name] = re.findall(r"`benchmarks/results/(class_load-[a-z0-9-]+\.json)`", readme)
    saved = results(name)
    section = readme[readme.index("`benchmarks/class_load.py`"):readme.index("Not protected against")]
    rows = {(row["students"], row["sized"]): row for row in saved["rows"]}
    for students in (1, 2, 4, 8):
        line = next(line for line in section.splitlines() if line.startswith(f"| {students} |"))
        off, on = rows[(students, False)], rows[(students, True)]
        assert line == (f"| {students} | {off['slowest_seconds']:.1f} | {on['slowest_seconds']:.1f} | "
                        f"{off['fair_share_seconds']:.1f} |"), f"README's row for {students} students is stale"
    for students in (2, 4, 8):
        for sized in (True, False):
            assert f"{rows[(students, sized)]['slowest_over_fair_share']:.2f}" in section
    assert f"about {saved['students_per_core_within_5_minutes']:.0f}" in section and saved["epochs"] == 5


def test_the_doubt_figures_come_from_the_results_file():
    section = doc("handwriting.md")
    section = section[section.index("**Doubt**"):section.index("**Drawn digits**")]
    doubt = results("doubt.json")
    assert f"T = {doubt['temperature']}" in section and f", {doubt['threshold']}." in section
    for name, label in (("photos", "photos"), ("drawn digits", "drawn digits")):
        row = next(line for line in section.splitlines() if line.startswith(f"| {label} ("))
        figures = doubt["sets"][name]
        assert f"({figures['images']:,}, {figures['wrong']} wrong)" in row
        now, before = figures["at_threshold"], figures["before (uncalibrated, below 0.6)"]
        for figure in (f"{100 * now['wrong_warned']:.1f} % ({100 * before['wrong_warned']:.1f} % before)",
                       f"{100 * now['right_warned']:.1f} % ({100 * before['right_warned']:.1f} % before)",
                       f"{100 * now['wrong_when_sure']:.2f} %"):
            assert figure in row, f"docs/handwriting.md's {label} row lacks {figure} of doubt.json"
        assert now["wrong_warned"] >= doubt["goal"]["wrong_warned_at_least"]
        assert now["right_warned"] <= doubt["goal"]["right_warned_at_most"]


def test_the_drawn_digit_figures_come_from_the_results_file():
    section = doc("handwriting.md")
    section = section[section.index("**Drawn digits**"):section.index("The sample images in `images/`")]
    drawn = results("drawn-avx512-bf16.json")
    assert "AVX512_BF16" in drawn["machine"].upper() and f"{drawn['digits']:,} MNIST test digits" in section
    for name, accuracy in drawn["per_width"].items():
        assert f"| {name} | {100 * accuracy:.1f} % |" in section, f"the row {name!r} is stale"
    photo = drawn["ablation_prepared_as_a_photo"]
    for name, accuracy in drawn["per_width"].items():
        assert f"| {name} | {100 * accuracy:.1f} % | {100 * photo['per_width'][name]:.1f} % |" in section
    assert f"| overall | **{100 * drawn['overall']:.1f} %** | {100 * photo['overall']:.1f} % |" in section
    pen = drawn["pen"]
    assert f"median {pen['mnist_training_median']} on 3,000 training digits, {pen['pad_median']} on" in section
    for value, accuracy in drawn["pen_sweep"].items():
        assert f"{value}: {100 * accuracy:.1f} %" in " ".join(section.split()), f"the pen {value} is stale"
    timing = drawn["milliseconds_to_reading"]
    assert f"median {timing['median']} ms, 95th percentile {timing['p95']} ms" in section


def test_each_ablation_row_and_its_whole_number_levels_come_from_the_results_file():
    """Each row of the ablation table is its run, in the file's order: the overall figure, the samples read, and
    every 'A -> B %' a level of that run read (A with all steps, B without the step), as whole percentages."""
    section = doc("handwriting.md")
    section = section[section.index("**Ablations**"):]
    rows = [line for line in section.splitlines() if line.startswith(("| all steps |", "| without ", "| a plain "))]
    runs = results("handwriting.json")["runs"]
    assert len(rows) == len(runs), "the ablation table and handwriting.json's runs differ in number"
    every = runs["all steps"]["cells"]
    for row, (name, run) in zip(rows, runs.items(), strict=True):
        assert f"| {100 * run['overall']:.2f} %" in row, f"the row for {name!r} is stale: {row}"
        assert row.rstrip(" |").endswith(f"{run['samples']}/38"), f"the samples of {name!r} are stale"
        for before, after in re.findall(r"(\d+) → (\d+) %", row):
            assert any(round(100 * every[level]) == int(before) and round(100 * read) == int(after)
                       for level, read in run["cells"].items()), f"no level of {name!r} reads {before} → {after} %"


def test_guard_table_comes_from_the_sweep_and_the_second_renderer():
    """Each guard's row: what switching it off costs on seed 1's photos and on the second renderer's."""
    text = doc("handwriting.md")
    start = text.index("**What each guard buys on photos it was not chosen on**")
    section = text[start:text.index("**The scale the ink")]
    sweep, second = results("sweep-steps.json"), results("second_opinion-c9ef498.json")

    def paired(won: int, lost: int, photos: int) -> str:
        return f"{100 * (lost - won) / photos:+.2f} ± {100 * (won + lost) ** 0.5 / photos:.2f} ({won} won, {lost} lost)"

    rows = [line for line in section.splitlines() if line.startswith("| `")]
    assert rows, "the guard table has no rows"
    for line in rows:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        name = cells[0].strip("`")
        ours, theirs = sweep["changes"][f"without {name}"], second["ablations"][f"without {name}"]
        assert cells[1] == paired(ours["won"], ours["lost"], sweep["photos"]), f"row {name!r} is stale (seed 1)"
        assert cells[2] == paired(theirs["won"], theirs["lost"], second["photos"]), f"row {name!r} is stale (second)"
    assert f"{sweep['photos']:,} photos" in section and f"seed {sweep['seed']}" in section
    assert "second_opinion-c9ef498.json" in section  # the file the second renderer's column comes from
