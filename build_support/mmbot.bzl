"""mmbot_library: one library target under include/, stated once.

Every area of the header-only library is a cc_library with the house flags, included as
"mmbot/<area>/<name>.hpp". A target with `srcs` is one of the parts compiled once in our build
(include/mmbot/core/compiled.hpp): it sets MMBOT_SEPARATE_COMPILATION for itself and everything
that depends on it, so its header only declares and its impl/<name>.cpp defines.
"""

load("@rules_cc//cc:defs.bzl", "cc_library")
load("//build_support:copts.bzl", "MMBOT_COPTS")

AREA_HEADERS = ["*.hpp", "detail/*.hpp", "impl/*.hpp"]

# What every library target uses (core's units and errors, Boost's headers, fmt), stated here once
# instead of in each target's deps.
CORE = "//include/mmbot/core"
BASE_DEPS = ["@system//:boost_headers", "@system//:fmt"]

def mmbot_library(name, deps = [], hdrs = None, srcs = [], exclude = [], **kwargs):
    """A library under include/mmbot/, public like the whole library.

    Every target gets BASE_DEPS, and outside core also core itself; `deps` lists what else it
    includes.

    Args:
      name: the target.
      deps: what it includes from elsewhere, beyond core and BASE_DEPS.
      hdrs: its headers; by default every header of the area (AREA_HEADERS) but `exclude`.
      srcs: impl/<name>.cpp of a part compiled once.
      exclude: headers the default glob leaves to other targets of the area.
      **kwargs: passed to cc_library.
    """
    base = BASE_DEPS + ([] if native.package_name() == "include/mmbot/core" else [CORE])
    cc_library(
        name = name,
        hdrs = hdrs if hdrs != None else native.glob(AREA_HEADERS, exclude = exclude),
        srcs = srcs,
        copts = MMBOT_COPTS,
        defines = ["MMBOT_SEPARATE_COMPILATION"] if srcs else [],
        strip_include_prefix = "/include",
        deps = base + [d for d in deps if d not in base],
        visibility = ["//visibility:public"],
        **kwargs
    )
