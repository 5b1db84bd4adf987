"""Macros for the end-to-end tests in this package."""

# What a rehearsal runs for each venue: the testnet binary, the sample capture the local venue
# replays, and the shipped testnet config.
_REHEARSAL_INPUTS = {
    "bybit": ("//targets/testnet:mmbot-testnet", "//data/sample:bybit_btcusdt_sample.jsonl", "//configs:testnet.json"),
    "binance": (
        "//targets/testnet:mmbot-testnet-binance",
        "//data/sample:binance_btcusdt_sample.txt",
        "//configs:binance/testnet.json",
    ),
}

def venue_rehearsal_test(name, size, extra_args = [], extra_data = [], tags = [], script = None, venue = "bybit"):
    """mmbot-testnet(-binance) against mmbot-local-venue: `<name>.sh` (or `script`) gets, in order, the
    venue's testnet binary, the local venue, the venue's bundled sample capture and its shipped
    testnet config, then `extra_args`; the script can source lib.sh beside it.

    Args:
      name: the test, and its script `<name>.sh`.
      size: the Bazel test size.
      extra_args: more arguments after the four common ones.
      extra_data: more runfiles (what extra_args name, and what the script reads).
      tags: more tags besides "e2e".
      script: the script, when several tests share one (default `<name>.sh`).
      venue: "bybit" (the default) or "binance": which testnet binary, capture and config.
    """
    binary, sample, config = _REHEARSAL_INPUTS[venue]
    native.sh_test(
        name = name,
        size = size,
        srcs = [script or name + ".sh"],
        args = [
            "$(rootpath %s)" % binary,
            "$(rootpath //targets/local_venue:mmbot-local-venue)",
            "$(rootpath %s)" % sample,
            "$(rootpath %s)" % config,
        ] + extra_args,
        data = [
            binary,
            config,
            sample,
            "//targets/local_venue:mmbot-local-venue",
            "//tests/e2e:lib.sh",
        ] + extra_data,
        tags = ["e2e"] + tags,
    )
