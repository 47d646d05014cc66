"""The reference pages of the load benchmark (bench/load.py), each served by gunicorn -w 2.

* `hello_app` — a bare Flask "Hello, World!": the ceiling of Flask + gunicorn on this machine;
* `rows_app` — a bare Flask page that reads 24 rows with sqlite3 and renders them with Jinja
  (a template file, compiled once per worker as Flask does): the floor a catalog page is
  compared with. It reads `BARE_DB` (built by load.py from the same generated products), so it
  is the same page whichever database the shop runs on.
"""

import os
import sqlite3

from flask import Flask, render_template

hello_app = Flask("bare_hello")


@hello_app.get("/")
def hello():
    return "Hello, World!"


rows_app = Flask(__name__)
BARE_DB = os.environ.get("BARE_DB", "")


@rows_app.get("/")
def rows():
    connection = sqlite3.connect(BARE_DB)
    try:
        items = connection.execute(
            "SELECT slug, name, price_vnd FROM product ORDER BY id LIMIT 24"
        ).fetchall()
    finally:
        connection.close()
    return render_template("bare_rows.html", items=items)
