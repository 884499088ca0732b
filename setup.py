"""The compiled modules: the start-up kernels of the Tokenizer and of the vector readers
(everything else is in pyproject.toml)."""

from Cython.Build import cythonize
from setuptools import Extension, setup

MODULES = ["kembed.text._scan", "kembed.vectors.parse", "kembed.vectors._ngrams"]

setup(
    ext_modules=cythonize(
        [
            Extension(name, [f"src/{name.replace('.', '/')}.pyx"], extra_compile_args=["-O3"])
            for name in MODULES
        ]
    )
)
