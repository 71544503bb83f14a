"""Hirebridge: the partner API of a job board and applicant-tracking platform."""
