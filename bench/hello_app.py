"""The baseline: the smallest Flask app, served by gunicorn exactly like the real one.

`bench/run.py` compares every endpoint of the site with this page, so a number
such as "6x slower than hello" says how much the application itself costs on top
of gunicorn + Flask + the load generator on the same machine.
"""
from flask import Flask

app = Flask(__name__)

PAGE = (
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
    "<title>你好</title></head><body><p>你好，社区志愿服务</p></body></html>"
)


@app.get("/")
def hello():
    return PAGE
