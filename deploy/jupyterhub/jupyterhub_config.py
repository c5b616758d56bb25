"""JupyterHub for a class on one server: the LeNet-5 course, MNIST shared read-only, nbgrader's exchange.

Copy to /etc/jupyterhub/jupyterhub_config.py and start `jupyterhub -f /etc/jupyterhub/jupyterhub_config.py`
as root (deploy/jupyterhub/README.md has every step). Students log in with their accounts on the
server; each gets a JupyterLab in their own home, limited to CPU_PER_STUDENT CPUs and MEMORY_PER_STUDENT
of memory (systemd enforces both), with the course's package installed for all users.
"""

import os

c = get_config()  # noqa: F821 (JupyterHub provides it)

MNIST = os.environ.get("LENET_MNIST", "/srv/lenet/data")  # holds MNIST/raw; read-only for students
EXCHANGE = "/srv/nbgrader/exchange"  # nbgrader's exchange: every user may write here (mode 1777)
CPU_PER_STUDENT = 1.0  # the server's cores / students working at once: 30 students on 16 cores get about 0.5
MEMORY_PER_STUDENT = "3G"  # a lesson's kernel holds MNIST (about 0.4 GB) and PyTorch; 3 GB leaves room
INSTRUCTORS = {"teacher"}  # may use the formgrader and nbgrader's instructor commands

c.JupyterHub.bind_url = "http://:8000"  # put it behind HTTPS (a reverse proxy, or ssl_cert/ssl_key)
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"  # the server's own accounts
c.Authenticator.admin_users = INSTRUCTORS
c.Authenticator.allow_all = True  # every account of the server; list them in allowed_users instead if not

# One JupyterLab per student, in the student's home, with limits systemd enforces (CPUQuota, MemoryMax).
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"  # pip install jupyterhub-systemdspawner
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.cpu_limit = CPU_PER_STUDENT  # also given to the kernel as CPU_LIMIT: PyTorch sizes its threads to it
c.Spawner.mem_limit = MEMORY_PER_STUDENT
c.Spawner.environment = {
    "LENET_DATA_DIR": MNIST,  # nothing is downloaded or written there; models go to ~/.cache/lenet
    "OMP_WAIT_POLICY": "PASSIVE",  # idle PyTorch threads do not spin on cores other students need
}
c.SystemdSpawner.isolate_tmp = True
c.SystemdSpawner.readonly_paths = [MNIST]
c.SystemdSpawner.readwrite_paths = [EXCHANGE]

# Idle servers are stopped after an hour, so that 30 sleeping kernels do not hold their memory.
c.JupyterHub.services = [{"name": "idle-culler", "command": ["python3", "-m", "jupyterhub_idle_culler",
                                                              "--timeout=3600"]}]
c.JupyterHub.load_roles = [{"name": "idle-culler", "services": ["idle-culler"],
                            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}]
