"""Producer portal views: validate → call the catalog service → commit → flash → redirect.

Every product, photo, certificate and batch is loaded through a `get_*_for_producer` service
with the member's own producer id, so ids in the URL can only ever reach the member's own rows.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from accounts.errors import AccountError
from accounts.models import Role
from accounts.service import make_invitation_token, producer_members
from catalog.certificates.lifecycle import (
    CertificateDraft,
    get_certificate_for_producer,
    submit_certificate,
)
from catalog.certificates.reminders import expiring_certificates
from catalog.certificates.scans import store_certificate_scan
from catalog.enums import ApplicationStatus, IssuerLevel, ProducerKind, ProductGroup
from catalog.errors import UploadRejected
from catalog.models import Producer
from catalog.origin.traceability import get_batch_for_producer, origin_scans_by_product
from catalog.producers import (
    ApplicationDetails,
    get_producer,
    pending_application_of,
    submit_application,
)
from catalog.products.photos import (
    delete_product_photo,
    get_photo_for_producer,
    move_product_photo,
    set_photo_alt,
    store_product_photo,
)
from catalog.products.portal import (
    ProductDraft,
    create_product,
    get_product_for_producer,
    list_producer_products,
    low_stock_products,
    set_product_listed,
    update_product,
)
from catalog.uploads import UploadLimits
from core import clock
from core.db import db
from core.mail_queue import RenderedEmail, enqueue_rendered

from ..access import access, current_producer_id
from ..common.forms import ActionForm
from ..common.indexing import after_products_changed
from ..common.private_files import send_certificate_scan
from ..common.responses import saved
from ..common.urls import public_url
from ..errors import message_for, status_for
from ..i18n import current_locale
from . import bp
from .forms import (
    ApplicationForm,
    CertificateForm,
    InviteForm,
    PhotoAltForm,
    PhotoForm,
    ProductForm,
)


def upload_limits() -> UploadLimits:
    config = current_app.config
    return UploadLimits(max_bytes=config["PHOTO_MAX_BYTES"], max_pixels=config["PHOTO_MAX_PIXELS"])


def _producer() -> Producer:
    return get_producer(current_producer_id())


def _commit_and_reindex(product_ids: list[int]) -> None:
    db.session.commit()
    after_products_changed(product_ids)


@bp.get("/")
@access("producer")
def dashboard():
    producer_id = current_producer_id()
    today = clock.today_in_vietnam()
    context = {
        "producer": _producer(),
        "products": list_producer_products(producer_id),
        "low_stock": low_stock_products(producer_id, current_app.config["LOW_STOCK_THRESHOLD"]),
        "expiring": expiring_certificates(today, producer_id=producer_id),
        "scans": origin_scans_by_product(producer_id, today - timedelta(days=30)),
    }
    from .orders import dashboard_order_figures

    context.update(dashboard_order_figures(producer_id, clock.utcnow()))
    return render_template("producer/dashboard.html", **context)


# --- onboarding -------------------------------------------------------------------------------


@bp.route("/apply", methods=["GET", "POST"])
@access("buyer")
def apply():
    if current_user.role == Role.PRODUCER.value:
        return redirect(url_for("producer.dashboard"))
    latest = pending_application_of(current_user.id)
    if latest is not None and latest.status == ApplicationStatus.PENDING.value:
        return render_template("producer/application_status.html", application=latest)
    form = ApplicationForm()
    if request.method == "GET" and not form.email.data:
        form.email.data = current_user.email
        form.contact_name.data = current_user.name
    if form.validate_on_submit():
        submit_application(
            current_user,
            ApplicationDetails(
                kind=ProducerKind(form.kind.data),
                name=form.name.data,
                registration_no=form.registration_no.data,
                province_code=form.province_code.data,
                commune_code="",
                commune=form.commune.data,
                address=form.address.data or "",
                contact_name=form.contact_name.data,
                phone=form.phone.data,
                email=form.email.data,
            ),
        )
        return saved(_("Thank you! Program staff will review your application."), "producer.apply")
    return render_template("producer/apply.html", form=form, previous=latest)


# --- listings ---------------------------------------------------------------------------------


def _draft(form: ProductForm) -> ProductDraft:
    return ProductDraft(
        name=form.name.data,
        name_en=form.name_en.data or "",
        group=ProductGroup(form.group.data),
        unit=form.unit.data or "",
        price_vnd=form.price_vnd.data,
        stock=form.stock.data,
        weight_grams=form.weight_grams.data or 0,
        story=form.story.data or "",
        story_en=form.story_en.data or "",
    )


@bp.get("/products")
@access("producer")
def products():
    return render_template(
        "producer/products.html",
        products=list_producer_products(current_producer_id()),
        action_form=ActionForm(),
    )


@bp.route("/products/new", methods=["GET", "POST"])
@access("producer")
def product_new():
    form = ProductForm()
    if form.validate_on_submit():
        product = create_product(
            current_producer_id(), _draft(form), actor_id=current_user.id, now=clock.utcnow()
        )
        _commit_and_reindex([product.id])
        flash(_("Saved. Add a photo and send the OCOP certificate for verification."), "success")
        return redirect(url_for("producer.product_edit", product_id=product.id))
    return render_template("producer/product_form.html", form=form, product=None)


def _render_edit(product, form=None, status: int = 200):
    return (
        render_template(
            "producer/product_form.html",
            form=form or ProductForm(obj=product),
            product=product,
            photo_form=PhotoForm(),
            action_form=ActionForm(),
        ),
        status,
    )


@bp.route("/products/<int:product_id>", methods=["GET", "POST"])
@access("producer")
def product_edit(product_id: int):
    product = get_product_for_producer(current_producer_id(), product_id)
    form = ProductForm(obj=product)
    if form.validate_on_submit():
        update_product(product, _draft(form), actor_id=current_user.id, now=clock.utcnow())
        _commit_and_reindex([product.id])
        flash(_("Saved."), "success")
        return redirect(url_for("producer.product_edit", product_id=product.id))
    return _render_edit(product, form)


@bp.post("/products/<int:product_id>/listing")
@access("producer")
def product_listing(product_id: int):
    product = get_product_for_producer(current_producer_id(), product_id)
    if ActionForm().validate_on_submit():
        listed = request.form.get("listed") == "1"
        set_product_listed(product, listed, actor_id=current_user.id, now=clock.utcnow())
        _commit_and_reindex([product.id])
        flash(_("The product is shown in the shop.") if listed else _("The product is hidden."))
    return redirect(url_for("producer.products"))


@bp.post("/products/<int:product_id>/photos")
@access("producer")
def photo_upload(product_id: int):
    product = get_product_for_producer(current_producer_id(), product_id)
    form = PhotoForm()
    if not form.validate_on_submit():
        flash(_("Choose a photo to upload."), "error")
        return _render_edit(product, status=400)
    try:
        store_product_photo(
            product,
            form.photo.data.stream,
            media_root=Path(current_app.config["MEDIA_ROOT"]),
            limits=upload_limits(),
            actor_id=current_user.id,
            now=clock.utcnow(),
            alt=(form.alt.data or "").strip() or product.name,
        )
    except UploadRejected as error:
        db.session.rollback()
        flash(message_for(error), "error")
        return _render_edit(product, status=status_for(error))
    _commit_and_reindex([product.id])
    flash(_("Photo added."), "success")
    return redirect(url_for("producer.product_edit", product_id=product.id))


@bp.post("/products/<int:product_id>/photos/<int:image_id>/delete")
@access("producer")
def photo_delete(product_id: int, image_id: int):
    image = get_photo_for_producer(current_producer_id(), product_id, image_id)
    if ActionForm().validate_on_submit():
        delete_product_photo(
            image,
            media_root=Path(current_app.config["MEDIA_ROOT"]),
            actor_id=current_user.id,
            now=clock.utcnow(),
        )
        _commit_and_reindex([product_id])
        flash(_("Photo removed."), "success")
    return redirect(url_for("producer.product_edit", product_id=product_id))


@bp.post("/products/<int:product_id>/photos/<int:image_id>/move")
@access("producer")
def photo_move(product_id: int, image_id: int):
    image = get_photo_for_producer(current_producer_id(), product_id, image_id)
    to = request.form.get("to", "")
    if ActionForm().validate_on_submit() and to in ("first", "up", "down"):
        move_product_photo(image, to, actor_id=current_user.id, now=clock.utcnow())
        _commit_and_reindex([product_id])
        flash(_("Photo order saved: the first photo is the main one."), "success")
    return redirect(url_for("producer.product_edit", product_id=product_id) + "#photos-h")


@bp.post("/products/<int:product_id>/photos/<int:image_id>/alt")
@access("producer")
def photo_alt(product_id: int, image_id: int):
    image = get_photo_for_producer(current_producer_id(), product_id, image_id)
    form = PhotoAltForm()
    if form.validate_on_submit():
        set_photo_alt(image, form.alt.data.strip(), actor_id=current_user.id, now=clock.utcnow())
        _commit_and_reindex([product_id])
        flash(_("Photo description saved."), "success")
    else:
        flash(_("Please describe the photo in at most 255 characters."), "error")
    return redirect(url_for("producer.product_edit", product_id=product_id) + "#photos-h")


# --- certificates -----------------------------------------------------------------------------


@bp.route("/products/<int:product_id>/certificates/new", methods=["GET", "POST"])
@access("producer")
def certificate_new(product_id: int):
    product = get_product_for_producer(current_producer_id(), product_id)
    form = CertificateForm()
    status = 200
    if form.validate_on_submit():
        try:
            scan = store_certificate_scan(
                form.scan.data.stream,
                scan_root=Path(current_app.config["CERTIFICATE_SCAN_ROOT"]),
                limits=upload_limits(),
                folder=f"products/{product.id}",
            )
        except UploadRejected as error:
            flash(message_for(error), "error")
            status = status_for(error)
        else:
            submit_certificate(
                product,
                CertificateDraft(
                    stars=int(form.stars.data),
                    certificate_no=form.certificate_no.data,
                    decision_no=form.decision_no.data or "",
                    issued_by=form.issued_by.data,
                    issuer_level=IssuerLevel(form.issuer_level.data),
                    issued_on=form.issued_on.data,
                    expires_on=form.expires_on.data,
                ),
                scan_path=scan.path,
                scan_media_type=scan.media_type,
                actor_id=current_user.id,
                now=clock.utcnow(),
            )
            _commit_and_reindex([product.id])
            flash(_("Sent. The product goes on sale once program staff verify it."), "success")
            return redirect(url_for("producer.product_edit", product_id=product.id))
    elif request.method == "POST":
        status = 400
    return render_template("producer/certificate_form.html", form=form, product=product), status


@bp.get("/certificates/<int:certificate_id>/scan")
@access("producer")
def certificate_scan(certificate_id: int):
    certificate = get_certificate_for_producer(current_producer_id(), certificate_id)
    if not certificate.scan_path:
        return render_template("errors/404.html"), 404
    return send_certificate_scan(certificate)


# --- members ----------------------------------------------------------------------------------


@bp.route("/members", methods=["GET", "POST"])
@access("producer_owner")
def members():
    form = InviteForm()
    invitation_url = None
    if form.validate_on_submit():
        try:
            token = make_invitation_token(
                current_user, form.email.data, secret_key=current_app.config["SECRET_KEY"]
            )
        except AccountError as error:
            flash(message_for(error), "error")
        else:
            invitation_url = public_url(url_for("account.accept_invitation", token=token))
            producer = _producer()
            subject = _("Join %(name)s on the OCOP shop", name=producer.name)
            body = render_template(
                "email/producer_invitation.txt", producer=producer, url=invitation_url
            )
            email = RenderedEmail(form.email.data.strip().lower(), subject, body)
            enqueue_rendered("invitation", email, locale=current_locale())
            db.session.commit()
            flash(_("Invitation sent. You can also share the link yourself."), "success")
    return render_template(
        "producer/members.html",
        form=form,
        members=producer_members(current_producer_id()),
        invitation_url=invitation_url,
    )


@bp.get("/batches/<int:batch_id>")
@access("producer")
def batch_detail(batch_id: int):
    batch = get_batch_for_producer(current_producer_id(), batch_id)
    return render_template("producer/batch.html", batch=batch)
