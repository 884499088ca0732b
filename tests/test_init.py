"""The public API of `kembed`: `__all__`, the names imported at once and the lazy ones pinned
to each other (that `import kembed` stays light is tests/test_backend.py's)."""

from __future__ import annotations

import sys

import kembed


def test_all_is_the_eager_and_the_lazy_names_and_nothing_else():
    eager = {
        name
        for name, value in vars(kembed).items()
        if not name.startswith("_")
        and not isinstance(value, type(sys))
        and name != "select_backend"
    }
    eager.add("__version__")
    eager -= set(kembed._LAZY)  # a lazy name already used is in the globals too
    assert sorted(kembed.__all__) == kembed.__all__, "keep __all__ sorted"
    assert len(set(kembed.__all__)) == len(kembed.__all__)
    assert set(kembed.__all__) == eager | set(kembed._LAZY)
    assert sorted(dir(kembed)) == sorted(kembed.__all__)


def test_every_lazy_name_is_the_object_it_names():
    import importlib

    for name, (module, attribute) in kembed._LAZY.items():
        assert getattr(kembed, name) is getattr(importlib.import_module(module), attribute), name


def test_an_unknown_name_is_an_attribute_error():
    try:
        kembed.nothing_here  # noqa: B018
    except AttributeError as error:
        assert "no attribute 'nothing_here'" in str(error)
    else:
        raise AssertionError("expected an AttributeError")


# The public packages whose `__all__` is the documented API.
PACKAGES = ("kembed", "kembed.vectors", "kembed.text", "kembed.embedding", "kembed.classify")
PACKAGES += ("kembed.training", "kembed.evaluate", "kembed.distribute", "kembed.space")
PACKAGES += ("kembed.explore",)
# The methods Keras calls on a layer: documented by Keras, not examples of ours.
KERAS_HOOKS = {"build", "call", "compute_mask", "compute_output_shape", "get_config"}


def test_every_public_function_class_and_method_has_an_example():
    """STYLE.md: every public name of the API, and each public method of its classes
    (properties aside), shows a runnable example (run by pytest --doctest-modules)."""
    import importlib
    import inspect

    missing = []
    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if not (inspect.isclass(value) or inspect.isfunction(value)):
                continue
            if not value.__module__.startswith("kembed"):
                continue  # pad_sequences is Keras'
            if ">>>" not in (value.__doc__ or ""):
                missing.append(f"{package}.{name}")
            for attribute, member in vars(value).items() if inspect.isclass(value) else ():
                if attribute.startswith("_") or attribute in KERAS_HOOKS:
                    continue
                function = getattr(member, "__func__", member)  # class- and staticmethods
                if inspect.isfunction(function) and ">>>" not in (function.__doc__ or ""):
                    missing.append(f"{package}.{name}.{attribute}")
    assert missing == []


# Functions whose many parameters are someone else's: legacy ports keep keras-preprocessing's
# positional arguments, and DataParallelTraining.fit passes on keras.Model.fit's.
BORROWED_SIGNATURES = {"skipgrams", "Tokenizer.__init__", "DataParallelTraining.fit"}
SETTINGS_PARAMETERS = {"settings", "options", "corpus_options"}


def _public_functions():
    import dataclasses
    import importlib
    import inspect

    for package in PACKAGES:
        module = importlib.import_module(package)
        for name in module.__all__:
            value = getattr(module, name)
            if inspect.isfunction(value) and value.__module__.startswith("kembed"):
                yield f"{package}.{name}", value
            if inspect.isclass(value) and value.__module__.startswith("kembed"):
                if dataclasses.is_dataclass(value):
                    continue  # a settings object itself (or plain data)
                for attribute, member in vars(value).items():
                    function = getattr(member, "__func__", member)
                    if inspect.isfunction(function) and (
                        not attribute.startswith("_") or attribute == "__init__"
                    ):
                        yield f"{package}.{name}.{attribute}", function


def test_no_public_function_is_long_or_takes_many_parameters_without_a_settings_object():
    """Issue 23's rule: no public function over 60 lines of code or 7 parameters, unless
    a settings object (`settings=`, `options=`) holds what the keywords hold."""
    import ast
    import inspect
    import textwrap

    problems = []
    for name, function in _public_functions():
        if function.__qualname__ in BORROWED_SIGNATURES:
            continue
        parameters = [p for p in inspect.signature(function).parameters if p not in ("self",)]
        if len(parameters) > 7 and not SETTINGS_PARAMETERS & set(parameters):
            problems.append(f"{name}: {len(parameters)} parameters")
        node = ast.parse(textwrap.dedent(inspect.getsource(function))).body[0]
        body = node.body[1:] if ast.get_docstring(node) is not None else node.body
        lines = body[-1].end_lineno - body[0].lineno + 1 if body else 0
        if lines > 60:
            problems.append(f"{name}: {lines} lines")
    assert sorted(set(problems)) == []
