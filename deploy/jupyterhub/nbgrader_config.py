"""nbgrader's settings for every user of the hub: copy to /etc/jupyter/nbgrader_config.py.

Students fetch and submit through JupyterLab's Assignments tab; the instructor releases and
collects from the course folder `lenet course init` wrote (its own nbgrader_config.py names the same
course and exchange).
"""

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = "lenet5"  # the name given to `lenet course init ~teacher/lenet5`
c.Exchange.root = "/srv/nbgrader/exchange"
