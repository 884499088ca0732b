"""A prefetch hint for numba kernels that gather scattered rows (fastText's n-gram rows
are spread over hundreds of MB): LLVM's `llvm.prefetch` intrinsic, which asks the CPU to
bring a cache line in without waiting for it. Only a hint: results never depend on it.
"""

from __future__ import annotations

import llvmlite.binding
import numba
from llvmlite import ir
from numba.core import cgutils, types
from numba.extending import intrinsic

# LLVM's prefetch intrinsic, named by its pointer type (opaque pointers from LLVM 15 on).
_OPAQUE_POINTERS = llvmlite.binding.llvm_version_info >= (15,)
_PREFETCH = "llvm.prefetch.p0" if _OPAQUE_POINTERS else "llvm.prefetch.p0i8"


@intrinsic
def prefetch(typingctx, matrix, row, column):
    """Asks the CPU to bring the cache line holding `matrix[row, column]` (a 2-D array)
    into its caches, without waiting for it."""
    signature = types.void(matrix, row, column)

    def codegen(context, builder, sig, args):
        array = context.make_array(sig.args[0])(context, builder, args[0])
        index = [
            context.cast(builder, value, kind, types.intp)
            for value, kind in zip(args[1:], sig.args[1:], strict=True)
        ]
        at = cgutils.get_item_pointer(context, builder, sig.args[0], array, index)
        byte, int32 = ir.IntType(8).as_pointer(), ir.IntType(32)
        kind = ir.FunctionType(ir.VoidType(), [byte, int32, int32, int32])
        function = cgutils.get_or_insert_function(builder.module, kind, _PREFETCH)
        # read (0), keep in every cache level (3), data (1)
        builder.call(function, [builder.bitcast(at, byte), int32(0), int32(3), int32(1)])
        return context.get_dummy_value()

    return signature, codegen


@numba.njit(nogil=True, inline="always", cache=True)
def prefetch_rows(matrix, rows, first, last):
    """Prefetches rows `rows[first:last]` of a float32 `matrix`, one hint per 64-byte
    line (16 values): the
    n-gram rows a word will need are scattered over hundreds of MB, and asking for them
    a word ahead hides most of the wait."""
    for r in range(first, last):
        for k in range(0, matrix.shape[1], 16):
            prefetch(matrix, rows[r], k)
