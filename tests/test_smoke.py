"""The sample files shipped with the package analyse cleanly."""

import json
from importlib import resources

from prima.cli.main import main


def test_sample_ikm_runs(capsys):
    path = resources.files("prima.samples").joinpath("skm2017_puskesmas.csv")
    assert main(["analyze", "ikm", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 160
    assert abs(out["ikm_converted"] - 25 * out["ikm"]) < 1e-9
