"""What the wheel holds, where ``pyproject.toml`` cannot say it.

The code packages are found as usual. The OpenAPI documents stay at the top of the repository
(``openapi/``) and are shipped inside the wheel as the package ``hirebridge.openapi``, so an
installed server reads them with ``importlib.resources`` wherever it is installed.
"""

from setuptools import find_packages, setup

CODE = find_packages(
    include=[
        "hirebridge",
        "hirebridge.*",
        "hirebridge_floor",
        "handlers",
        "handlers.*",
        "storage",
        "storage.*",
        "jobs_queue",
        "jobs_queue.*",
    ]
)

setup(
    packages=[*CODE, "hirebridge.openapi"],
    package_dir={"hirebridge.openapi": "openapi"},
)
