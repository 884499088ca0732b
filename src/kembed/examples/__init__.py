"""The slide deck's notebooks as runnable, tested workflows (`kembed demo` runs them).

These modules are Keras code: they may import Keras at module level.
"""
