"""The instructor's tooling: the course as graded assignments (nbgrader), and copies for students."""
