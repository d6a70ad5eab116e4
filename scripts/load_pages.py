"""The pages and API lists of `make load` (scripts/locustfile.py reads them; scripts/load.py
requests each once per kind of user before measuring)."""

OFFICE_PAGES = {
    "dashboard": "/dashboard/",
    "units": "/units/",
    "home": "/office/",
    "review": "/reports/review/",
    "funds": "/funds/office/",
    "claims": "/publicity/review/",
    "gauges": "/veto-gauges/",
    "inspections": "/inspections/",
}
PROVINCE_PAGES = {
    "home": "/province/",
    "dashboard": "/dashboard/province/",
    "reports": "/reports/province/",
    "plans": "/funds/province/",
}
# {} is a unit's id
UNIT_PAGES = {
    "home": "/units/{}/",
    "calendar": "/units/{}/reports/",
    "funds": "/units/{}/funds/",
    "publicity": "/units/{}/publicity/",
}
API_LISTS = {"status": "/api/v1/status/", "units": "/api/v1/units/"}
