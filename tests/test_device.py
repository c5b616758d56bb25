"""Threads sized to the CPUs a process may use: affinity, cgroup quota (v1 and v2), JupyterHub's CPU_LIMIT."""

import os
from pathlib import Path

import pytest
import torch

from lenet_helpers.learning.device import cgroup_quota, cpu_limit, size_threads

CORES = len(os.sched_getaffinity(0))


def cgroup_v2(root: Path, quota: str, path: str = "/user.slice/user-1000.slice") -> Path:
    """A cgroup v2 tree with `quota` ("150000 100000", "max 100000") on the process's group, and its membership file."""
    folder = root / path.lstrip("/")
    folder.mkdir(parents=True)
    (folder / "cpu.max").write_text(quota + "\n")
    (root / "cpu.max").write_text("max 100000\n")
    membership = root / "self-cgroup"
    membership.write_text(f"0::{path}\n")
    return membership


def test_no_limit_leaves_every_cpu_the_process_may_run_on(tmp_path):
    membership = cgroup_v2(tmp_path, "max 100000")
    assert cpu_limit({}, tmp_path, membership) == (CORES, "the CPUs it may run on")
    assert cgroup_quota(tmp_path, tmp_path / "missing") is None


def test_a_cgroup_v2_quota_counts_and_a_fraction_is_a_whole_cpu(tmp_path):
    membership = cgroup_v2(tmp_path, "50000 100000")  # half a CPU: a container's --cpus 0.5
    assert cgroup_quota(tmp_path, membership) == 0.5
    assert cpu_limit({}, tmp_path, membership) == (1, "its cgroup's CPU quota")


def test_a_parent_cgroup_s_quota_limits_its_children(tmp_path):
    membership = cgroup_v2(tmp_path, "max 100000", "/kubepods/pod1/container")
    (tmp_path / "kubepods" / "pod1" / "cpu.max").write_text("100000 100000\n")
    assert cgroup_quota(tmp_path, membership) == 1.0


def test_a_cgroup_v1_quota_counts(tmp_path):
    folder = tmp_path / "cpu,cpuacct" / "docker" / "abc"
    folder.mkdir(parents=True)
    (folder / "cpu.cfs_quota_us").write_text("100000\n")
    (folder / "cpu.cfs_period_us").write_text("100000\n")
    membership = tmp_path / "self-cgroup"
    membership.write_text("4:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n")
    assert cgroup_quota(tmp_path, membership) == 1.0
    (folder / "cpu.cfs_quota_us").write_text("-1\n")  # no quota
    assert cgroup_quota(tmp_path, membership) is None


@pytest.mark.parametrize("value, expected", [("0.5", 1), ("1", 1), ("1.5", 2), ("", CORES), ("lots", CORES),
                                             ("-2", CORES), ("nan", CORES), ("64", CORES)])
def test_jupyterhub_s_cpu_limit_counts_when_it_is_a_positive_number(value, expected, tmp_path):
    assert cpu_limit({"CPU_LIMIT": value}, tmp_path, tmp_path / "none")[0] == min(expected, CORES)


def test_size_threads_sets_both_kinds_of_thread_and_keeps_a_lower_omp_num_threads():
    before = torch.get_num_threads()
    try:
        assert size_threads({"CPU_LIMIT": "1"}) == 1 and torch.get_num_threads() == 1
        assert size_threads({"OMP_NUM_THREADS": "1"}) == 1
        assert size_threads({}) == CORES == torch.get_num_threads()
    finally:
        torch.set_num_threads(before)
