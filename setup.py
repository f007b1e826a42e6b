"""Packaging for servicehall: one distribution, one console script (`hall`)."""

from setuptools import find_packages, setup

# Why each dependency is here is written in README.md ("Dependencies").
INSTALL_REQUIRES = [
    "paho-mqtt>=2.1,<3",
    "pydantic>=2.7,<3",
    "PyYAML>=6",
    "SQLAlchemy>=2.0,<3",
    "alembic>=1.13",
    "chinesecalendar>=1.9",
    "python-escpos>=3.1",
    "pyusb>=1.2",
    "pyserial>=3.5",
    "evdev>=1.7",
    "pyudev>=0.24",
    "qrcode>=7.4",
    "Pillow>=10",
    "cryptography>=42",
    "argon2-cffi>=23.1",
    "numpy>=1.26",
    "openpyxl>=3.1",
    "fpdf2>=2.8",
    "sdnotify>=0.3",
    "kivy>=2.3,<2.4",
    "opencv-python-headless>=4.9",
    "dlib-bin>=19.24",
    "face_recognition_models>=0.3",
    "fastapi>=0.110",
    "uvicorn>=0.29",
    "jinja2>=3.1",
    "python-multipart>=0.0.9",
]

EXTRAS_REQUIRE = {
    "postgres": ["psycopg[binary]>=3.1"],
    "test": [
        "pytest>=8",
        "pytest-timeout>=2.3",
        "hypothesis>=6.100",
        "pyfingerprint>=1.5",
        "ruff>=0.5",
        "mypy>=1.10",
        "types-PyYAML",
        "psycopg[binary]>=3.1",
        "jsonschema>=4.18",
        "httpx>=0.27",
        "playwright>=1.44",
    ],
}

setup(
    name="servicehall",
    version="0.1.0",
    description="Queue, displays and attendance for a government service hall (政务服务中心)",
    python_requires=">=3.11",
    packages=find_packages(include=[
        "config", "config.*", "bus", "bus.*", "workdays", "workdays.*", "store", "store.*",
        "hallqueue", "hallqueue.*", "attendance", "attendance.*", "uikit", "uikit.*",
        "kiosk", "kiosk.*", "terminal", "terminal.*", "firmware_bridge", "firmware_bridge.*",
        "controller", "controller.*", "hall", "hall.*", "console", "console.*",
    ]),
    package_data={
        "config": ["halls/*.yaml"],
        "store": ["migrations/*.ini", "migrations/*.mako", "migrations/versions/*.py"],
        "firmware_bridge": ["*.md"],
        "kiosk": ["*.kv", "assets/*"],
        "console": ["templates/*.html", "static/*", "static/vendor/*"],
    },
    install_requires=INSTALL_REQUIRES,
    extras_require=EXTRAS_REQUIRE,
    entry_points={"console_scripts": ["hall = hall.cli:main"]},
)
