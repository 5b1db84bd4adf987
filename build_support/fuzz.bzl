"""mmbot_fuzz_test: one libFuzzer target, built two ways.

A fuzz source defines only `extern "C" int LLVMFuzzerTestOneInput(const uint8_t*, size_t)` and stops
the process (`__builtin_trap()`, `abort()`, a sanitizer report) when a property fails. This macro
turns it into:

  <name>_replay  a cc_test (tags "unit", "fuzz_replay") that compiles the same source with a small
                 replay main (build_support/fuzz/replay_main.cpp) and feeds it every file of the seed
                 corpus. It runs with the default compiler in a plain `bazel test //...`, and under
                 `--config=asan` with sanitizers, so every seed is a regression test.
  <name>         the libFuzzer binary (tags "manual", "fuzz_target"). `manual` keeps `//...` from
                 linking it with gcc; build it with `CC=clang bazel build --config=fuzz //fuzz:<name>`
                 (what .ci/fuzz does for every target carrying the "fuzz_target" tag).
  <name>_corpus  a filegroup over the seed files; .ci/fuzz copies them to a scratch directory so a
                 fuzzing run never writes into the repository.

Usage, in fuzz/BUILD.bazel:

    load("//build_support:fuzz.bzl", "mmbot_fuzz_test")

    mmbot_fuzz_test(
        name = "decimal_roundtrip",
        srcs = ["decimal_roundtrip.cpp"],
        deps = ["//include/mmbot/core"],
    )   # seeds in fuzz/corpus/decimal_roundtrip/

Seed files are small inputs, one per file, with names free of spaces (they travel as test args).
"""

load("@rules_cc//cc:defs.bzl", "cc_binary", "cc_test")
load("//build_support:copts.bzl", "MMBOT_COPTS")

def mmbot_fuzz_test(name, srcs, deps = [], corpus = None, copts = None, size = "small", tags = []):
    """Declares <name> (libFuzzer binary), <name>_replay (cc_test) and <name>_corpus.

    Args:
      name: target name; also the default corpus directory name.
      srcs: the fuzz source(s); exactly one of them defines LLVMFuzzerTestOneInput.
      deps: libraries under test.
      corpus: seed directory relative to the package; defaults to "corpus/<name>".
      copts: compile options; defaults to MMBOT_COPTS (fuzz code is held to the library's bar).
      size: size of the replay test.
      tags: extra tags for both the replay test and the fuzz binary.
    """
    corpus_dir = corpus if corpus != None else "corpus/" + name
    target_copts = copts if copts != None else MMBOT_COPTS
    seeds = native.glob([corpus_dir + "/**"])

    native.filegroup(
        name = name + "_corpus",
        srcs = seeds,
        tags = tags,
    )

    # $(rootpaths) of an empty filegroup is an error, so an empty corpus means no args: the
    # replay main then runs only the empty input.
    cc_test(
        name = name + "_replay",
        size = size,
        srcs = srcs + ["//build_support/fuzz:replay_main.cpp"],
        copts = target_copts,
        args = ["$(rootpaths :%s_corpus)" % name] if seeds else [],
        data = [":" + name + "_corpus"],
        tags = ["unit", "fuzz_replay"] + tags,
        deps = deps,
    )

    # The engine comes from -fsanitize=fuzzer in .bazelrc's `fuzz` config; without it this binary
    # has no main, hence `manual`.
    cc_binary(
        name = name,
        srcs = srcs,
        copts = target_copts,
        data = [":" + name + "_corpus"],
        tags = ["manual", "fuzz_target"] + tags,
        deps = deps,
    )
