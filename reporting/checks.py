"""Says at start-up (runserver, migrate, the worker) when this machine cannot make PDFs, so that
`make run` tells what is missing; Word documents work regardless."""

from django.core import checks

from reporting.fonts import fast_subsetting, pdf_problem


@checks.register()
def pdf_engine_check(app_configs, **kwargs) -> list[checks.CheckMessage]:
    problem = pdf_problem()
    if problem is None:
        if fast_subsetting():
            return []
        return [
            checks.Info(
                "PDF documents are slow here: WeasyPrint subsets fonts with fontTools because the "
                "system's libharfbuzz-subset (≥ 4.1) is missing.",
                hint="On Debian: apt-get install libharfbuzz-subset0",
                id="reporting.I002",
            )
        ]
    return [
        checks.Info(
            f"PDF documents are unavailable: {problem}",
            hint="Word (.docx) documents still work; the summary report page says so too.",
            id="reporting.I001",
        )
    ]
