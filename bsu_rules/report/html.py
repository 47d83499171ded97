"""The impact report as one self-contained HTML page (inline CSS and SVG, no script, no network).

Every number on the page is rendered from the report's JSON through ``bsu_rules.formatting`` and
carries ``data-json="<path>"``, the place in the JSON it comes from: a reader (or a test) can
check the page against the data.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from html import escape
from typing import Any

from bsu_rules.explain.html import readable
from bsu_rules.explain.page_data import quoted
from bsu_rules.formatting import capital, format_date, format_value, number, rupiah
from bsu_rules.glossary import months
from bsu_rules.report.groups import DIMENSIONS
from bsu_rules.report.labels import CHANGE_WORDS, OUTCOME_WORDS, WARNING_KINDS, WORDS, group_name, nik_reason
from bsu_rules.report.svg import Bar, bar_chart
from bsu_rules.ruleset.override_texts import override_option

Json = dict[str, Any]
_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d2a33;background:#f6f7f8}
main{max-width:1100px;margin:0 auto;padding:20px 28px 60px;background:#fff}
h1{font-size:26px;margin:8px 0 4px}h2{font-size:20px;margin:34px 0 8px;border-bottom:2px solid #1f6f8b}
h3{font-size:16px;margin:22px 0 6px}p.note{color:#52606b;margin:4px 0 10px;font-size:14px}
table{border-collapse:collapse;font-size:13.5px;margin:6px 0 10px}
th,td{border-bottom:1px solid #dde2e6;padding:4px 10px;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.meta td{border:none;padding:2px 10px 2px 0}.hash{font-family:ui-monospace,monospace;font-size:12px}
.changes{margin:0;font-size:12px;white-space:pre-wrap}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:10px 0}
.card{border:1px solid #dde2e6;border-radius:6px;padding:8px 12px;min-width:150px}
.card .big{font-size:22px;font-weight:600}.card .sub{font-size:12.5px;color:#52606b}
.good{color:#1b7a3a}.bad{color:#b3261e}svg.chart text{font-size:12px;fill:#1d2a33}
svg.chart{max-width:100%;height:auto}.warn{color:#b3261e;font-weight:600}
.warnings{border:2px solid #b3261e;border-radius:6px;padding:2px 14px;margin:12px 0;background:#fdf3f2}
.warnings h2{border:none;margin:10px 0 4px;color:#b3261e}.warnings .detail{font-size:13px;color:#52606b}
.said{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
"""


class _Page:
    def __init__(self, data: Json, lang: str) -> None:
        self.data, self.lang, self.w = data, lang, WORDS[lang]

    # --- numbers, each tied to its place in the JSON --------------------------------------------

    def num(self, value: int, path: str, signed: bool = False) -> str:
        text = number(value, self.lang)
        if signed and value > 0:
            text = "+" + text
        return f'<span data-json="{escape(path)}">{text}</span>'

    def rp(self, value: int, path: str, signed: bool = False) -> str:
        text = rupiah(value)
        if signed and value > 0:
            text = "+" + text
        return f'<span data-json="{escape(path)}">{text}</span>'

    def pct(self, rate: str | None, path: str) -> str:
        if rate is None:
            return "–"
        shown = (Decimal(rate) * 100).quantize(Decimal("0.1"), ROUND_HALF_EVEN)
        return f'<span data-json="{escape(path)}" data-kind="rate">{number(shown, self.lang)} %</span>'

    def ratio(self, value: str, path: str) -> str:
        shown = Decimal(value).quantize(Decimal("0.01"), ROUND_HALF_EVEN)
        return f'<span class="warn" data-json="{escape(path)}" data-kind="ratio">{number(shown, self.lang)}</span>'

    def rule(self, rule_id: str | None) -> str:
        if rule_id is None:
            return "–"
        title = self.titles().get(rule_id)
        return f"{escape(title)} <code>{escape(rule_id)}</code>" if title else f"<code>{escape(rule_id)}</code>"

    def rule_id(self, rule_id: str | None) -> str:
        """A criterion by its id, its title on hover (for narrow table cells)."""
        if rule_id is None:
            return "–"
        return f'<code title="{escape(self.titles().get(rule_id, rule_id))}">{escape(rule_id)}</code>'

    def titles(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for side in ("baseline", "reform"):
            for step in (self.data["funnel"].get(side) or {}).get("steps", []):
                out[step["rule"]] = step["title"][self.lang]
        return out

    # --- sections --------------------------------------------------------------------------------

    def render(self) -> str:
        d, w = self.data, self.w
        title = f"{w['title']}: {d['reform']['ruleset']} {d['reform']['version']}"
        body = [f"<h1>{escape(title)}</h1>", self.warnings(), self.meta(), self.headline(), self.funnel()]
        if d["flips"] is not None:
            body.append(self.flips())
        body += [self.channels(), self.breakdowns(), self.quality(),
                 f'<p class="note">{escape(w["engine"])} {escape(d["engine"])}</p>']
        return (f'<!DOCTYPE html>\n<html lang="{self.lang}"><head><meta charset="utf-8">'
                f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                f"<title>{escape(title)}</title><style>{_CSS}</style></head>"
                f"<body><main>{''.join(body)}</main></body></html>\n")

    def warnings(self) -> str:
        """What the command warned of, first: a number never travels without its caveat."""
        w, told = self.w, self.data.get("warnings") or []
        if not told:
            return ""
        items = "".join(
            f"<li><b>{escape(WARNING_KINDS[t['kind']][self.lang != 'id'])}</b>"
            f"{' (' + w[t['side']] + ')' if t['side'] else ''}<br>{self.detail(t)}</li>" for t in told)
        return (f'<section class="warnings" id="warnings"><h2>{w["warnings"]}</h2>'
                f'<p class="note">{w["warnings_note"]}</p><ul>{items}</ul></section>')

    def detail(self, told: Json) -> str:
        """A warning's text in the page's language where it is written in it, else as the command printed it."""
        if self.lang == "id" and told.get("text_id"):
            return f'<span class="detail">{escape(told["text_id"])}</span>'
        english = ' lang="en"' if self.lang != "en" else ""
        return f'<span{english} class="detail">{escape(told["text"])}</span>'

    def meta(self) -> str:
        d, w = self.data, self.w
        rows = []
        for side in ("reform", "baseline"):
            s = d[side]
            if s is None:
                continue
            overrides = " ".join(map(override_option, s["overrides"])) or w["none"]
            base = f' · {w["base"]} <span class="hash">{s["base_sha256"]}</span>' if s["base_sha256"] else ""
            rows.append(
                f"<tr><td><b>{w[side]}</b></td><td>{escape(s['title'][self.lang])} ({escape(s['ruleset'])} "
                f"{escape(s['version'])}) · {w['on']} <b>{format_date(_day(s['on']), self.lang)}</b> · "
                f"{w['as_of']} {format_date(_day(s['as_of']), self.lang)}<br>"
                f'{w["sha256"]} <span class="hash">{s["sha256"]}</span>{base}<br>'
                f"{w['overrides']}: {escape(overrides)}</td></tr>")
        if d.get("changes") is not None:
            rows.append(f'<tr><td><b>{w["changes"]}</b></td><td>{self.changes()}</td></tr>')
        rows.append(f"<tr><td><b>{w['input']}</b></td><td>{escape(d['input']['file'])} · "
                    f"{self.num(d['input']['rows'], 'input.rows')} {w['rows']}</td></tr>")
        return f'<table class="meta">{"".join(rows)}</table>'

    def changes(self) -> str:
        """What the reform changes, one line each in the page's language, the full ``diff`` folded below."""
        w, d = self.w, self.data
        if not d["changes"]:
            return escape(w["none"])
        said = [self.change(c) for c in d.get("change_summary") or []]
        listed = f"<ul>{''.join(f'<li>{c}</li>' for c in said)}</ul>" if said else escape(w["no_material"])
        return (f'{listed}<details><summary>{escape(w["changes_full"])}</summary>'
                f'<pre class="changes" lang="en">{escape(chr(10).join(d["changes"]))}</pre></details>')

    def change(self, c: Json) -> str:
        cw, lang = CHANGE_WORDS[self.lang], self.lang
        what = c["what"]
        if what == "as_of" or what.startswith("benefit."):
            unit = "months" if what == "benefit.months" else None if what == "as_of" else "IDR"
            return f"{cw[what]}: {_shown(c['old'], unit, lang)} → {_shown(c['new'], unit, lang)}"
        if what == "channel":
            return escape(cw["channel"])
        if what == "fact":
            return f"{cw['fact.' + c['change']]}: <code>{escape(c['name'])}</code>"
        name = f"<code>{escape(c['rule'] if what == 'criterion' else c['name'])}</code>"
        name = f"{escape(c['title'][lang])} {name}" if c["title"] else name
        if what == "criterion":
            return f"{cw['criterion.' + c['change']]}: {name}"
        if what == "parameter":
            if c["change"] == "value":
                return f"{name}: {_shown(c['old'], c['unit'], lang)} → {_shown(c['new'], c['unit'], lang)}"
            return f"{name}: {cw['parameter.' + c['change']]}"
        counted = ", ".join(cw.get(f"rows.{k}.one" if c[k] == 1 else "", cw[f"rows.{k}"]).format(number(c[k], lang))
                            for k in ("changed", "added", "removed") if c[k])
        if c["rows"]:  # the areas, after all the counts
            counted += f" ({', '.join(c['rows'])}{cw['more'].format(number(c['more'], lang)) if c['more'] else ''})"
        parts = [counted] * bool(counted) + ([cw[f"unlisted.{c['unlisted']}"]] if c["unlisted"] else [])
        return f"{name}: {escape(', '.join(parts))}"

    def headline(self) -> str:
        d, w = self.data, self.w
        h = d["headline"]
        compare = d["baseline"] is not None
        cards = []
        for key in ("members", "eligible", "paid", "held", "budget", "undetermined", "ineligible", "rejected"):
            show = self.rp if key == "budget" else self.num
            sub = ""
            if compare:
                diff = h[key]["difference"]
                better = diff * _BETTER_UP.get(key, 0)  # green where more members are paid, red where fewer
                cls = "good" if better > 0 else "bad" if better < 0 else ""
                sub = (f'<div class="sub">{w["baseline"]} {show(h[key]["baseline"], f"headline.{key}.baseline")}'
                       f' · <span class="{cls}">{w["difference"]} '
                       f'{show(diff, f"headline.{key}.difference", signed=True)}</span></div>')
            cards.append(f'<div class="card" id="headline-{key}"><div class="sub">{w[key]}</div>'
                         f'<div class="big">{show(h[key]["reform"], f"headline.{key}.reform")}</div>{sub}</div>')
        return f'<h2>{w["headline"]}</h2><div class="cards">{"".join(cards)}</div>'

    def funnel(self) -> str:
        w = self.w
        f = self.data["funnel"]["reform"]
        steps = f["steps"]
        bars = [Bar(w["members"], (f["members"],), (number(f["members"], self.lang),))]
        bars += [Bar(s["title"][self.lang], (s["remaining"],), (number(s["remaining"], self.lang),)) for s in steps]
        chart = bar_chart("chart-funnel", w["funnel"], bars)
        rows = "".join(
            f"<tr><td>{self.rule(s['rule'])}</td>"
            + "".join(f'<td class="n">{self.num(s[k], f"funnel.reform.steps.{i}.{k}")}</td>'
                      for k in ("remaining", "fail", "fail_only", "unknown")) + "</tr>"
            for i, s in enumerate(steps))
        head = "".join(f'<th class="n">{w[k]}</th>' for k in ("remaining", "fail", "fail_only", "unknown"))
        return (f'<h2>{w["funnel"]}</h2><p class="note">{w["funnel_note"]}</p>{chart}'
                f"<table><tr><th>{w['criterion']}</th>{head}</tr>{rows}</table>")

    def flips(self) -> str:
        w, f = self.w, self.data["flips"]
        words = OUTCOME_WORDS[self.lang]
        rows = []
        for i, g in enumerate(f["groups"]):
            examples = "<br>".join(f"{escape(e['nik'])} ({self.where(e)})" for e in g["examples"])
            rules = "<br>".join(self.rule(r) for r in g["rules"] if r)
            if g["still_unknown"]:  # not a cause: what the member now waits for, unknown on both sides
                rules += f'<br><i>{w["still_unknown"]}</i><br>' + "<br>".join(self.rule(r) for r in g["still_unknown"])
            rows.append(f"<tr><td>{words[g['from']]}</td><td>{words[g['to']]}</td><td>{rules}</td>"
                        f'<td class="n">{self.num(g["count"], f"flips.groups.{i}.count")}</td>'
                        f'<td class="hash">{examples}</td></tr>')
        table = (f"<table><tr><th>{w['from']}</th><th>{w['to']}</th><th>{w['criterion']}</th>"
                 f'<th class="n">{w["count"]}</th><th>{w["examples"]}</th></tr>{"".join(rows)}</table>'
                 if rows else f"<p>{w['nothing']}</p>")
        prov = []
        for i, p in enumerate(f["by_province"]):
            cells = "".join(f'<td class="n">{self.num(p[k], f"flips.by_province.{i}.{k}", signed=k == "net")}</td>'
                            for k in ("to_eligible", "from_eligible", "other", "net"))
            prov.append(f"<tr><td>{escape(group_name('province', p['province'], self.lang))}</td>{cells}</tr>")
        bars = [Bar(group_name("province", p["province"], self.lang), (p["to_eligible"], p["from_eligible"]),
                    (number(p["to_eligible"], self.lang), number(p["from_eligible"], self.lang)))
                for p in f["by_province"]]
        chart = bar_chart("chart-flips-province", w["flips_province"], bars,
                          (w["to_eligible"], w["from_eligible"])) if bars else ""
        head = "".join(f'<th class="n">{w[k]}</th>' for k in ("to_eligible", "from_eligible", "other", "net"))
        prov_table = f"<table><tr><th>{w['province']}</th>{head}</tr>{''.join(prov)}</table>" if prov else ""
        return (f'<h2>{w["flips"]} ({self.num(f["total"], "flips.total")})</h2><p class="note">{w["flips_note"]}</p>'
                f"{table}<h3>{w['flips_province']}</h3>{chart}{prov_table}")

    def channels(self) -> str:
        """Eligible members by payment channel, and (against a baseline) those paid another way."""
        w, d = self.w, self.data
        sides = ("reform", "baseline") if d["baseline"] is not None else ("reform",)
        rows = []
        for i, c in enumerate(d.get("channels") or []):
            cells = "".join(f'<td class="n">{self.num(c[side], f"channels.{i}.{side}")}</td>' for side in sides)
            if len(sides) == 2:
                cells += f'<td class="n">{self.num(c["difference"], f"channels.{i}.difference", signed=True)}</td>'
            rows.append(f"<tr><td>{self.channel(c['channel'])}</td>{cells}</tr>")
        head = "".join(f'<th class="n">{w[k]}</th>' for k in (*sides, *(("difference",) if len(sides) == 2 else ())))
        out = (f'<h2>{w["channels"]}</h2><p class="note">{w["channels_note"]}</p>'
               + (f"<table><tr><th>{w['channel']}</th>{head}</tr>{''.join(rows)}</table>" if rows
                  else f"<p>{w['nothing']}</p>"))
        moves = d.get("channel_moves")
        if moves is None:
            return out
        listed = []
        for i, m in enumerate(moves["moves"]):
            examples = "<br>".join(f"{escape(e['nik'])} ({self.where(e)})" for e in m["examples"])
            listed.append(f"<tr><td>{self.channel(m['from'])}</td><td>{self.channel(m['to'])}</td>"
                          f'<td class="n">{self.num(m["count"], f"channel_moves.moves.{i}.count")}</td>'
                          f'<td class="hash">{examples}</td></tr>')
        table = (f"<table><tr><th>{w['from']}</th><th>{w['to']}</th><th class=\"n\">{w['count']}</th>"
                 f"<th>{w['examples']}</th></tr>{''.join(listed)}</table>" if listed else f"<p>{w['nothing']}</p>")
        out += (f'<h3>{w["moves"]} ({self.num(moves["total"], "channel_moves.total")})</h3>'
                f'<p class="note">{w["moves_note"]}</p>{table}')
        records = d.get("record_moves")
        if records is None:
            return out
        shown = "; ".join(self.where(e) for e in records["examples"])
        return (f'{out}<h3>{w["record_moves"]} ({self.num(records["total"], "record_moves.total")})</h3>'
                f'<p class="note">{w["record_moves_note"]}</p>' + (f"<p>{shown}</p>" if shown else ""))

    def where(self, example: Json) -> str:
        """An example member's row and the province of its work place, named (not a bare code beside a NIK
        whose own code may name another province)."""
        return (f"{self.w['row']} {example['row']}, {self.w['works_in']} "
                f"{escape(group_name('province', example['province'], self.lang))}")

    def channel(self, name: str | None) -> str:
        """A payment channel in words (as a decision page names it) and by its code; a bank a member wrote (bsu-2020
        pays at it) only in words, quoted and cut short as the page quotes it, and read as a quotation."""
        if not name:
            return escape(self.w["no_channel" if name is None else "blank_channel"])
        said = (self.data.get("channel_names") or {}).get(name)
        if said and (typed := quoted(name)) in said[self.lang]:
            return readable(capital(said[self.lang]), self.lang, [typed])
        return f"{escape(capital(said[self.lang]))} <code>{escape(name)}</code>" if said else \
            f"<code>{escape(name)}</code>"

    def breakdowns(self) -> str:
        w, d = self.w, self.data
        compare = d["baseline"] is not None
        out = []
        for dim in DIMENSIONS:
            rows = d["breakdowns"][dim]
            out.append(f"<h2>{w[dim]}</h2>")
            if dim in ("province", "sector"):
                series = (w["reform"], w["baseline"]) if compare else (w["reform"],)
                bars = [Bar(group_name(dim, r["key"], self.lang),
                            (r["paid"], r["baseline"]["paid"]) if compare else (r["paid"],),
                            tuple(number(v, self.lang) for v in ((r["paid"], r["baseline"]["paid"]) if compare
                                                                 else (r["paid"],))))
                        for r in rows]
                out.append(bar_chart(f"chart-{dim}", f"{w['paid_chart']}: {w[dim]}", bars, series))
            head = [w["members_short"], w["eligible"], w["paid_short"], w["budget"]]
            if compare:
                head += [f"Δ {w['paid_short'].lower()}", f"Δ {w['budget'].lower()}"]
            head += [w["exclusion_rate"], w["driver"], w["four_fifths"]]
            cells = []
            for i, r in enumerate(rows):
                p = f"breakdowns.{dim}.{i}"
                tds = [self.num(r["members"], f"{p}.members"), self.num(r["eligible"], f"{p}.eligible"),
                       self.num(r["paid"], f"{p}.paid"), self.rp(r["budget"], f"{p}.budget")]
                if compare:
                    tds += [self.num(r["difference"]["paid"], f"{p}.difference.paid", signed=True),
                            self.rp(r["difference"]["budget"], f"{p}.difference.budget", signed=True)]
                tds.append(self.pct(r["exclusion_rate"], f"{p}.exclusion_rate"))
                fifths = self.ratio(r["four_fifths"], f"{p}.four_fifths") if r["four_fifths"] else ""
                cells.append(f"<tr><td>{escape(group_name(dim, r['key'], self.lang))}</td>"
                             + "".join(f'<td class="n">{t}</td>' for t in tds)
                             + f"<td>{self.rule_id(r['driver'])}</td><td class=\"n\">{fifths}</td></tr>")
            ths = "".join(f'<th class="n">{h}</th>' for h in head[:-2])
            out.append(f"<table><tr><th>{w[dim]}</th>{ths}<th>{head[-2]}</th><th>{head[-1]}</th></tr>"
                       f"{''.join(cells)}</table>")
        return "".join(out)

    def quality(self) -> str:
        w, q = self.w, self.data["data_quality"]
        out = [f'<h2 id="data-quality">{w["quality"]}</h2><p class="note">{w["quality_note"]}</p>',
               f"<h3>{w['causes']}</h3>"]
        kinds = {"field": w["field_missing"], "row": w["row_bound"], "table": w["table_missing"],
                 "unlisted-row": w["row_unlisted"],
                 "value": w["value_unknown"], "unusable": w["field_unusable"]}
        rows = []
        for i, c in enumerate(q["undetermined"]):
            top = sorted(c["by_province"].items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            provinces = ", ".join(f"{escape(group_name('province', k, self.lang))} "
                                  f"{self.num(n, f'data_quality.undetermined.{i}.by_province.{k}')}" for k, n in top)
            keys = ""
            if c.get("keys"):
                keys = "<br>" + w["missing_rows"] + ": " + ", ".join(
                    f"{escape(k['key'])} ({self.num(k['count'], f'data_quality.undetermined.{i}.keys.{j}.count')})"
                    for j, k in enumerate(c["keys"][:10]))
            name = f" {escape(c['name'])}" if c.get("name") else ""
            rows.append(f"<tr><td><code>{escape(c['cause'])}</code>{name} · {kinds[c['kind']]}{keys}</td>"
                        f'<td class="n">{self.num(c["count"], f"data_quality.undetermined.{i}.count")}</td>'
                        f"<td>{provinces}</td></tr>")
        out.append(f"<table id=\"table-causes\"><tr><th>{w['cause']}</th><th class=\"n\">{w['count']}</th>"
                   f"<th>{w['by_province']}</th></tr>{''.join(rows)}</table>" if rows else f"<p>{w['nothing']}</p>")
        out.append(self._simple(w["invalid_nik"], w["reason"], q["invalid_nik"], "reason", "data_quality.invalid_nik",
                                lambda r: escape(nik_reason(r, self.lang))))
        dup = q["duplicate_nik"]
        unpaid = "".join(f"<tr><td>{w['dup_unpaid']} ({w[side]})</td>"
                         f'<td class="n">{self.num(n, f"data_quality.duplicate_nik.unpaid.{side}")}</td></tr>'
                         for side, n in dup["unpaid"].items())
        counts = "".join(f'<tr><td>{w[label]}</td><td class="n">'
                         f'{self.num(dup[k], f"data_quality.duplicate_nik.{k}")}</td></tr>'
                         for k, label in (("niks", "dup_niks"), ("rows", "dup_rows")))
        out.append(f"<h3>{w['duplicates']}</h3><table>{counts}{unpaid}</table>")
        out.append(self._simple(w["rejects"], w["field"], q["rejects"], "field", "data_quality.rejects",
                                lambda f: f"({w['whole_record']})" if f == "(record)" else f"<code>{escape(f)}</code>"))
        wages = []
        for i, b in enumerate(q["implausible_wages"]):
            wages.append(f"<tr><td>{w[b['band']]} {rupiah(b['limit'])}</td>"
                         f'<td class="n">{self.num(b["count"], f"data_quality.implausible_wages.{i}.count")}</td></tr>')
        out.append(f"<h3>{w['wages']}</h3>" + (f"<table><tr><th>{w['band']}</th><th class=\"n\">{w['count']}</th>"
                                              f"</tr>{''.join(wages)}</table>" if wages else f"<p>{w['nothing']}</p>"))
        return "".join(out)

    def _simple(self, title: str, head: str, items: list[Json], key: str, path: str, show: Any) -> str:
        if not items:
            return f"<h3>{title}</h3><p>{self.w['nothing']}</p>"
        rows = "".join(f"<tr><td>{show(it[key])}</td>"
                       f'<td class="n">{self.num(it["count"], f"{path}.{i}.count")}</td></tr>'
                       for i, it in enumerate(items))
        return f"<h3>{title}</h3><table><tr><th>{head}</th><th class=\"n\">{self.w['count']}</th></tr>{rows}</table>"


_BETTER_UP = {"eligible": 1, "paid": 1, "undetermined": -1, "ineligible": -1, "rejected": -1}
"""Which way a headline figure's difference is good news for the members (green) or bad (red); the
others (members decided, those reviewed first, the budget) are left uncoloured: neither way is."""


def _shown(value: Any, unit: str | None, lang: str) -> str:
    """A value of a rule file as the JSON holds it, for people: rupiah, months, a date or a month."""
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_shown(v, unit, lang) for v in value)
    if unit == "IDR" and isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return rupiah(Decimal(value) if isinstance(value, str) else value)
        except ArithmeticError:
            return escape(str(value))
    if unit == "months" and isinstance(value, int) and not isinstance(value, bool):
        return months(value, lang)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return format_date(date.fromisoformat(value), lang)
        except ValueError:
            pass
    if isinstance(value, int) and not isinstance(value, bool):  # a year, a day of the month: no separators
        return f"{value} {'hari' if lang == 'id' else 'days'}" if unit == "days" else str(value)
    return escape(format_value(value, lang))


def _day(text: str) -> Any:
    return date.fromisoformat(text)


def render_html(data: Json, lang: str = "id") -> str:
    """The report page for ``data`` (from ``report.impact.impact``) in ``lang`` (``id`` or ``en``)."""
    if lang not in WORDS:
        raise ValueError(f"unsupported language {lang!r}; expected one of {', '.join(WORDS)}")
    return _Page(data, lang).render()
