"""Admin views: applications, producers, certificate queue, registry import, audit log."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.audit import recent_audit_log
from catalog.certificates.lifecycle import (
    certificate_queue,
    count_certificates,
    get_certificate,
    reject_certificate,
    revoke_certificate,
    verify_certificate,
)
from catalog.enums import CertificateStatus
from catalog.importer import import_catalog
from catalog.producers import (
    approve_application,
    count_pending_applications,
    get_application,
    get_producer,
    list_applications,
    producers_with_product_counts,
    reject_application,
    set_producer_active,
)
from catalog.products.portal import product_ids_of_producer
from core import clock
from core.db import db

from ..access import access
from ..common.forms import ActionForm, ReasonForm, given_reason
from ..common.indexing import after_products_changed
from ..common.private_files import send_certificate_scan
from ..common.responses import saved
from ..errors import megabytes
from . import bp
from .forms import ImportForm

AUDIT_PAGE_SIZE = 100


def _decision_forms() -> dict[str, ActionForm | ReasonForm]:
    """The buttons of a list of things to decide: approve/verify, and reject with a reason."""
    return {"action_form": ActionForm(), "reason_form": ReasonForm()}


@bp.get("/")
@access("admin")
def home():
    applications = count_pending_applications()
    certificates = count_certificates(CertificateStatus.PENDING)
    return render_template(
        "admin/home.html", pending_applications=applications, pending_certificates=certificates
    )


# --- applications and producers ---------------------------------------------------------------


@bp.get("/applications")
@access("admin")
def applications():
    return render_template(
        "admin/applications.html",
        applications=list_applications(),
        **_decision_forms(),
    )


@bp.post("/applications/<int:application_id>/approve")
@access("admin")
def application_approve(application_id: int):
    application = get_application(application_id)
    if ActionForm().validate_on_submit():
        approve_application(application, actor_id=current_user.id, now=clock.utcnow())
        message = _("Approved: %(name)s can now list products.", name=application.name)
        return saved(message, "admin.applications")
    return redirect(url_for("admin.applications"))


@bp.post("/applications/<int:application_id>/reject")
@access("admin")
def application_reject(application_id: int):
    application = get_application(application_id)
    if (reason := given_reason()) is None:
        return redirect(url_for("admin.applications"))
    reject_application(application, reason=reason, actor_id=current_user.id, now=clock.utcnow())
    return saved(_("Application rejected."), "admin.applications")


@bp.get("/producers")
@access("admin")
def producers():
    return render_template(
        "admin/producers.html", producers=producers_with_product_counts(), reason_form=ReasonForm()
    )


@bp.post("/producers/<int:producer_id>/active")
@access("admin")
def producer_active(producer_id: int):
    producer = get_producer(producer_id)
    active = request.form.get("active") == "1"
    # Deactivating needs a reason the producer will read; reactivating only the button.
    reason = "" if active and ActionForm().validate_on_submit() else given_reason()
    if reason is not None:
        now = clock.utcnow()
        set_producer_active(producer, active, actor_id=current_user.id, reason=reason, now=now)
        db.session.commit()
        after_products_changed(product_ids_of_producer(producer.id))
        flash(_("Producer reactivated.") if active else _("Producer deactivated."), "success")
    return redirect(url_for("admin.producers"))


# --- certificates -----------------------------------------------------------------------------


@bp.get("/certificates")
@access("admin")
def certificates():
    status = request.args.get("status", CertificateStatus.PENDING.value)
    if status not in {s.value for s in CertificateStatus}:
        status = CertificateStatus.PENDING.value
    return render_template(
        "admin/certificates.html",
        rows=certificate_queue(CertificateStatus(status)),
        status=status,
        statuses=list(CertificateStatus),
        **_decision_forms(),
    )


@bp.get("/certificates/<int:certificate_id>/scan")
@access("admin")
def certificate_scan(certificate_id: int):
    certificate = get_certificate(certificate_id)
    if not certificate.scan_path:
        return render_template("errors/404.html"), 404
    return send_certificate_scan(certificate)


def _certificate_done(certificate, message: str):
    product_id = certificate.product_id
    db.session.commit()
    after_products_changed([product_id])
    flash(message, "success")
    return redirect(url_for("admin.certificates", status=request.args.get("status", "pending")))


@bp.post("/certificates/<int:certificate_id>/verify")
@access("admin")
def certificate_verify(certificate_id: int):
    certificate = get_certificate(certificate_id)
    if not ActionForm().validate_on_submit():
        return redirect(url_for("admin.certificates"))
    verify_certificate(certificate, actor_id=current_user.id, now=clock.utcnow())
    return _certificate_done(certificate, _("Certificate verified: the product is on sale."))


def _decide_with_reason(certificate_id: int, decide, message: str, back: str | None = None):
    """Apply a decision that needs a reason the producer will read (reject, revoke)."""
    certificate = get_certificate(certificate_id)
    if (reason := given_reason()) is None:
        return redirect(url_for("admin.certificates", status=back))
    decide(certificate, reason=reason, actor_id=current_user.id, now=clock.utcnow())
    return _certificate_done(certificate, message)


@bp.post("/certificates/<int:certificate_id>/reject")
@access("admin")
def certificate_reject(certificate_id: int):
    return _decide_with_reason(certificate_id, reject_certificate, _("Certificate rejected."))


@bp.post("/certificates/<int:certificate_id>/revoke")
@access("admin")
def certificate_revoke(certificate_id: int):
    message = _("Certificate revoked: the product is off sale.")
    return _decide_with_reason(certificate_id, revoke_certificate, message, back="verified")


# --- import and audit -------------------------------------------------------------------------


@bp.route("/import", methods=["GET", "POST"])
@access("admin")
def registry_import():
    form = ImportForm()
    report = None
    status = 200
    if form.validate_on_submit():
        limit = current_app.config["IMPORT_MAX_BYTES"]
        raw = form.csv_file.data.stream.read(limit + 1)
        if len(raw) > limit:
            flash(
                _(
                    "Please upload a UTF-8 CSV file of at most %(max_mb)s MB.",
                    max_mb=megabytes(limit),
                ),
                "error",
            )
            status = 400
        else:
            report = import_catalog(
                raw,
                actor_id=current_user.id,
                now=clock.utcnow(),
                dry_run=form.dry_run.data,
                skip_bad=form.skip_bad.data,
            )
            if report.changed_product_ids:
                after_products_changed(report.changed_product_ids)
    return render_template("admin/import.html", form=form, report=report), status


@bp.get("/audit")
@access("admin")
def audit():
    entity = request.args.get("entity") or None
    log = recent_audit_log(entity=entity, limit=AUDIT_PAGE_SIZE)
    return render_template(
        "admin/audit.html", entries=log.entries, actors=log.actors, entity=entity
    )
