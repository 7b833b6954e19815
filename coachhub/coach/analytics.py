"""Practice analytics: the owner's view of the practice, a coach's of their own clients."""

from flask import Response, abort, g, render_template, request

from coachhub.coach import bp
from coachhub.services import ServiceError, analytics
from coachhub.spreadsheets import csv_text


def _span():
    """The filter's date range and, when the filter was not understood, why."""
    today = g.practice.today()
    try:
        return analytics.date_range(today, request.args.get("start"), request.args.get("end")), None
    except ServiceError as error:
        return analytics.date_range(today, None, None), str(error)


@bp.get("/analytics")
def analytics_page():
    """Every chart of the range, each with its table and CSV link."""
    span, error = _span()
    charts = analytics.all_charts(g.practice, g.membership, span, g.practice.today())
    return render_template(
        "coach/analytics/analytics.html",
        charts=charts,
        span=span,
        error=error,
        range_args={"start": span.start.isoformat(), "end": span.end.isoformat()},
    )


@bp.get("/analytics.csv")
def analytics_csv():
    """One chart's table as CSV: `?chart=` one of the page's chart keys (the first by default)."""
    span, error = _span()
    if error:
        abort(400, error)
    chart = analytics.one_chart(
        request.args.get("chart", "stages"), g.practice, g.membership, span, g.practice.today()
    )
    if chart is None:
        abort(404)
    body = csv_text(
        (
            {
                name: ("" if value is None else value)
                for name, value in zip(chart.header, row, strict=True)
            }
            for row in chart.rows
        ),
        chart.header,
    )
    filename = f"{g.practice.slug}-{chart.key}-{span.start.isoformat()}-{span.end.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
