"""社区志愿服务: the application factory."""
from __future__ import annotations

from flask import Flask, request

from .config import INSTANCE_DIR, PROJECT_ROOT, load_config

MODEL_MODULES = (
    "communities.models",
    "rooms.models",
    "accounts.models",
    "teams.models",
    "activities.models",
    "hours.models",
    "pairing.models",
    "feed_versions.models",
    "calendar.models",
    "reports.models",
    "audit.models",
    "messages.models",
    "notices.models",
    "outbox.models",
    "jobs.models",
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → errors → cli."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    app.config.from_object(load_config())
    app.config["WTF_I18N_ENABLED"] = False  # messages come from WTForms' own zh catalogue
    if test_config:
        app.config.update(test_config)
    trust_proxies(app)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_response_headers(app)
    register_error_handlers(app)
    register_cli(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind TRUSTED_PROXIES reverse proxies, read the client's address, scheme and host from the headers
    those proxies set (the last N entries of each), never from anything further along that a client wrote."""
    hops = app.config.get("TRUSTED_PROXIES", 0)
    if hops:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def register_extensions(app: Flask) -> None:
    import importlib

    from .database import configure_engine, lock_for_writes
    from .extensions import csrf, db, login_manager, migrate
    from .feed_versions.services import raise_versions_at_commit
    from .reports.kept_upkeep import keep_at_commit
    from .web import signin

    for module in MODEL_MODULES:
        importlib.import_module(f"{__name__}.{module}")
    db.init_app(app)
    raise_versions_at_commit()
    keep_at_commit()
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "请先登录"
    login_manager.session_protection = "basic"

    @login_manager.unauthorized_handler
    def unauthorized():
        from flask import redirect, url_for

        from .web.htmx import client_redirect, current_page, is_htmx

        if is_htmx():
            # Never swap a login form into a fragment: send the whole window there,
            # and bring the person back to the page they were on.
            return client_redirect(url_for("accounts.login", next=current_page() or None), status=401)
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))

    with app.app_context():
        configure_engine(db.engine)

    lock_for_writes(app)
    signin.install(app)  # the user loader: its bookkeeping writes join a POST's write transaction


def register_blueprints(app: Flask) -> None:
    from .accounts.views import bp as accounts_bp
    from .activities.routes import bp as activities_bp
    from .admin.community_staff_views import bp as community_staff_bp
    from .admin.views import bp as admin_bp
    from .audit.views import bp as audit_bp
    from .calendar.routes import bp as calendar_bp
    from .hours.views import bp as hours_bp
    from .imports.routes import bp as imports_bp
    from .me.views import bp as me_bp
    from .messages.views import bp as messages_bp
    from .notices.routes import bp as notices_bp
    from .pairing.routes import bp as pairing_bp
    from .people.routes import bp as people_bp
    from .reports.routes import bp as reports_bp
    from .reports.routes import verify_bp
    from .rooms.views import bp as rooms_bp
    from .teams.views import bp as teams_bp
    from .web.health import bp as health_bp
    from .web.routing import IdConverter

    app.url_map.converters["int"] = IdConverter
    for blueprint in (accounts_bp, activities_bp, teams_bp, calendar_bp, hours_bp, rooms_bp, pairing_bp,
                      reports_bp, verify_bp, audit_bp, admin_bp, community_staff_bp, people_bp, me_bp,
                      notices_bp, messages_bp, health_bp, imports_bp):
        app.register_blueprint(blueprint)


def register_template_helpers(app: Flask) -> None:
    from flask_login import current_user

    from .accounts.privacy import PRIVACY_NOTICE, PRIVACY_VERSION
    from .activities.models import ATTENDANCE_LABELS
    from .activities.services import closed_tag
    from .calendar.blueprint import subscribe_links
    from .messages.services import unread_count
    from .outbox.texts import activity_text
    from .pairing.models import FOLLOW_UP_STATUSES
    from .timeutil import format_day, format_local, local_date, to_local
    from .web.auth import current_actor

    app.jinja_env.filters["local"] = format_local
    app.jinja_env.filters["day"] = format_day
    # An instant's Beijing day, e.g. 已取消（12月3日）.
    app.jinja_env.filters["local_day"] = lambda m: format_day(local_date(m), with_weekday=False) if m else ""
    app.jinja_env.filters["local_time"] = lambda m: f"{to_local(m):%H:%M}" if m else ""
    app.jinja_env.globals["subscribe_links"] = subscribe_links
    # The words for states, from the one place each is defined.
    app.jinja_env.globals["ATTENDANCE_LABELS"] = ATTENDANCE_LABELS
    app.jinja_env.globals["FOLLOW_UP_STATUSES"] = FOLLOW_UP_STATUSES
    app.jinja_env.globals["signup_closed_tag"] = closed_tag
    app.jinja_env.globals["privacy_notice"] = PRIVACY_NOTICE
    app.jinja_env.globals["privacy_version"] = PRIVACY_VERSION
    # 复制群通知 on an activity: the same text its team's work group receives.
    app.jinja_env.globals["group_text_of"] = lambda activity: activity_text(
        activity, "活动已取消" if activity.is_cancelled else "活动")

    @app.context_processor
    def inject_actor():
        return {"actor": current_actor()}

    @app.context_processor
    def inject_unread_messages():
        # A function, so only the menu of a full page (base.html) pays its one indexed query; fragments do not.
        if not current_user.is_authenticated:
            return {}
        return {"unread_messages": lambda: unread_count(current_user.id)}


def register_response_headers(app: Flask) -> None:
    """Security headers, fingerprinted static files with a long cache, compressed text."""
    from .extensions import compress
    from .web import security_headers, static_files

    security_headers.register(app)
    static_files.register(app)
    compress.init_app(app)


def register_error_handlers(app: Flask) -> None:
    from .web import log_redaction, parameters
    from .web.errors import register

    register(app)
    log_redaction.install()
    parameters.install(app)


def register_cli(app: Flask) -> None:
    from .accounts.cli import create_admin_command
    from .backups.cli import backup_command, restore_command
    from .demo.seed import seed_demo_command
    from .imports.cli import import_command
    from .jobs.cli import run_jobs_command
    from .reports.cli import figures_command

    for command in (seed_demo_command, create_admin_command, backup_command, restore_command, run_jobs_command,
                    import_command, figures_command):
        app.cli.add_command(command)
