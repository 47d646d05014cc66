"""The reference: a bare Flask app rendering a 24-item template (no database, no i18n)."""

from flask import Flask, render_template_string

app = Flask(__name__)

TEMPLATE = """<!doctype html><html><head><title>Bare</title></head><body><ul>
{% for item in items %}<li><a href="/p/{{ item.slug }}">{{ item.name }}</a> {{ item.price }} ₫</li>{% endfor %}
</ul></body></html>"""

ITEMS = [{"slug": f"san-pham-{n}", "name": f"Sản phẩm {n}", "price": 100000 + n} for n in range(24)]


@app.get("/")
def index():
    return render_template_string(TEMPLATE, items=ITEMS)
