"""The one compiled module: the Tokenizer's kernel (everything else is in pyproject.toml)."""

from Cython.Build import cythonize
from setuptools import Extension, setup

setup(
    ext_modules=cythonize(
        [Extension("kembed.text._scan", ["src/kembed/text/_scan.pyx"], extra_compile_args=["-O3"])]
    )
)
