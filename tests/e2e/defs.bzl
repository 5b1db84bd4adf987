"""Macros for the end-to-end tests in this package."""

def venue_rehearsal_test(name, size, extra_args = [], extra_data = [], tags = [], script = None):
    """mmbot-testnet against mmbot-local-venue: `<name>.sh` (or `script`) gets, in order, the testnet binary,
    the local venue, the bundled sample capture and configs/testnet.json, then `extra_args`; the
    script can source lib.sh beside it.

    Args:
      name: the test, and its script `<name>.sh`.
      size: the Bazel test size.
      extra_args: more arguments after the four common ones.
      extra_data: more runfiles (what extra_args name, and what the script reads).
      tags: more tags besides "e2e".
      script: the script, when several tests share one (default `<name>.sh`).
    """
    native.sh_test(
        name = name,
        size = size,
        srcs = [script or name + ".sh"],
        args = [
            "$(rootpath //targets/testnet:mmbot-testnet)",
            "$(rootpath //targets/local_venue:mmbot-local-venue)",
            "$(rootpath //data/sample:bybit_btcusdt_sample.jsonl)",
            "$(rootpath //configs:testnet.json)",
        ] + extra_args,
        data = [
            "//configs:testnet.json",
            "//data/sample:bybit_btcusdt_sample.jsonl",
            "//targets/local_venue:mmbot-local-venue",
            "//targets/testnet:mmbot-testnet",
            "//tests/e2e:lib.sh",
        ] + extra_data,
        tags = ["e2e"] + tags,
    )
