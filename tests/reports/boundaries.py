"""Department boundaries for the tests: the ones Amparo ships (INEI's limits, MPL-2.0, in
src/amparo/reports/data/) and the ones built here, a square per department on a grid, with the same
properties (NOMBDEP, FIRST_IDDP) and Puno in two parts, as there: what an administrator may supply.
"""

import json
from importlib import resources
from pathlib import Path

PERU = Path(str(resources.files("amparo.reports").joinpath("data", "peru_departments.geojson")))
DEPARTMENTS = {
    "01": "AMAZONAS",
    "02": "ANCASH",
    "03": "APURIMAC",
    "04": "AREQUIPA",
    "05": "AYACUCHO",
    "06": "CAJAMARCA",
    "07": "CALLAO",
    "08": "CUSCO",
    "09": "HUANCAVELICA",
    "10": "HUANUCO",
    "11": "ICA",
    "12": "JUNIN",
    "13": "LA LIBERTAD",
    "14": "LAMBAYEQUE",
    "15": "LIMA",
    "16": "LORETO",
    "17": "MADRE DE DIOS",
    "18": "MOQUEGUA",
    "19": "PASCO",
    "20": "PIURA",
    "21": "PUNO",
    "22": "SAN MARTIN",
    "23": "TACNA",
    "24": "TUMBES",
    "25": "UCAYALI",
}
IN_TWO_PARTS = "21"


def _ring(x: float, y: float, side: float) -> list[list[float]]:
    return [[x, y], [x + side, y], [x + side, y + side], [x, y + side], [x, y]]


def square_feature(code: str, name: str, x: float = 0.0, y: float = 0.0) -> dict:
    """A department drawn as the unit square whose south-west corner is (x, y) (longitude, latitude)."""
    return {
        "type": "Feature",
        "properties": {"FIRST_IDDP": code, "NOMBDEP": name},
        "geometry": {"type": "Polygon", "coordinates": [_ring(x, y, 1.0)]},
    }


def grid_geojson() -> dict:
    """Peru's 25 departments as squares on a 5 x 5 grid over Peru's longitudes and latitudes."""
    features = []
    for number, (code, name) in enumerate(DEPARTMENTS.items()):
        feature = square_feature(code, name, -81.0 + 2 * (number % 5), -3.0 - 3 * (number // 5))
        if code == IN_TWO_PARTS:
            x, y = feature["geometry"]["coordinates"][0][0]
            feature["geometry"] = {
                "type": "MultiPolygon",
                "coordinates": [[_ring(x, y, 1.0)], [_ring(x + 1.2, y + 0.2, 0.3)]],
            }
        features.append(feature)
    return {"type": "FeatureCollection", "features": features}


def write_grid(path: Path) -> Path:
    path.write_text(json.dumps(grid_geojson()), "utf-8")
    return path
