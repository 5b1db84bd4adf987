"""Forwarding shim for @rules_cc on Bazel 4.2.3 (offline).

Debian's bazel-rules-cc 0.0.4 needs a newer Bazel (use_cpp_toolchain is missing in 4.2.3), and the
upstream rules_cc archive cannot be downloaded here. Bazel 4's native rules are what rules_cc wraps
anyway, so each macro forwards to native.*. BUILD files load from @rules_cc as they would anywhere,
so a machine with the real rules_cc swaps it in by changing one WORKSPACE line.
"""

def cc_library(**attrs):
    native.cc_library(**attrs)

def cc_binary(**attrs):
    native.cc_binary(**attrs)

def cc_test(**attrs):
    native.cc_test(**attrs)

def cc_import(**attrs):
    native.cc_import(**attrs)

def cc_toolchain(**attrs):
    native.cc_toolchain(**attrs)

def cc_toolchain_suite(**attrs):
    native.cc_toolchain_suite(**attrs)

def objc_library(**attrs):
    native.objc_library(**attrs)

def cc_proto_library(**attrs):
    native.cc_proto_library(**attrs)

def fdo_profile(**attrs):
    native.fdo_profile(**attrs)

def fdo_prefetch_hints(**attrs):
    native.fdo_prefetch_hints(**attrs)
