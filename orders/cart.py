"""The cart: add, change, remove, merge on login, and a summary grouped by producer.

Prices are never stored in the cart: every summary reads them from the product, and every add
asks the one for-sale rule (`catalog.for_sale`). Services flush; the caller commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from sqlalchemy import select

from catalog.for_sale import is_for_sale, sale_status
from catalog.models import Certificate, Producer, Product, product_load_options
from core.db import db

from .errors import NotForSale, OutOfStock
from .models import Cart, CartLine
from .shipping import shipping_fee_vnd

# A sanity cap per line, so a typo of 1000 jars does not sit in a cart.
MAX_LINE_QUANTITY = 99


class LineProblem(StrEnum):
    NOT_FOR_SALE = "not_for_sale"  # certificate lapsed or revoked, producer inactive, hidden
    OUT_OF_STOCK = "out_of_stock"
    NOT_ENOUGH_STOCK = "not_enough_stock"


def new_cart_token() -> str:
    """An opaque, unguessable id for a guest's cart (kept in the signed session cookie)."""
    return secrets.token_urlsafe(32)


def find_cart(*, token: str | None = None, user_id: int | None = None) -> Cart | None:
    """The signed-in buyer's cart, else the guest cart of `token`."""
    if user_id is not None:
        return db.session.scalar(select(Cart).where(Cart.user_id == user_id))
    if token:
        return db.session.scalar(select(Cart).where(Cart.token == token, Cart.user_id.is_(None)))
    return None


def get_or_create_cart(*, token: str | None = None, user_id: int | None = None) -> Cart:
    """Find the cart or start an empty one (flushed)."""
    cart = find_cart(token=token, user_id=user_id)
    if cart is None:
        cart = Cart(user_id=user_id, token=None if user_id is not None else token)
        db.session.add(cart)
        db.session.flush()
    return cart


def _line_for(cart: Cart, product_id: int) -> CartLine | None:
    return next((line for line in cart.lines if line.product_id == product_id), None)


def quantity_in_cart(cart: Cart | None, product_id: int) -> int:
    """How many of a product the cart holds now (0 when none)."""
    line = _line_for(cart, product_id) if cart is not None else None
    return line.quantity if line else 0


def item_count(cart: Cart | None) -> int:
    """Items in the cart (quantities summed), for the header's cart badge."""
    return sum(line.quantity for line in cart.lines) if cart is not None else 0


def _sellable_product(product_id: int, on: date) -> Product:
    product = db.session.get(Product, product_id)
    if product is None or not is_for_sale(product_id, on):
        raise NotForSale(product_id=product_id)
    return product


def add_item(cart: Cart, product_id: int, quantity: int, on: date) -> CartLine:
    """Add `quantity` of a product that is for sale on `on`; the line is capped by stock."""
    product = _sellable_product(product_id, on)
    if product.stock <= 0:
        raise OutOfStock(product_id=product_id)
    line = _line_for(cart, product_id)
    wanted = max(1, quantity) + (line.quantity if line else 0)
    capped = min(wanted, product.stock, MAX_LINE_QUANTITY)
    if line is None:
        line = CartLine(product_id=product_id, quantity=capped)
        cart.lines.append(line)
    else:
        line.quantity = capped
    db.session.flush()
    return line


def change_quantity(cart: Cart, product_id: int, quantity: int, on: date) -> CartLine | None:
    """Set a line's quantity (capped by stock); 0 or less removes the line."""
    line = _line_for(cart, product_id)
    if line is None:
        return None
    if quantity <= 0:
        remove_item(cart, product_id)
        return None
    product = _sellable_product(product_id, on)
    if product.stock <= 0:
        raise OutOfStock(product_id=product_id)
    line.quantity = min(quantity, product.stock, MAX_LINE_QUANTITY)
    db.session.flush()
    return line


def remove_item(cart: Cart, product_id: int) -> None:
    line = _line_for(cart, product_id)
    if line is not None:
        cart.lines.remove(line)
        db.session.flush()


def merge_guest_cart(token: str | None, user_id: int) -> Cart | None:
    """Move a guest cart's lines into the buyer's own cart on sign-in (quantities add up)."""
    guest = find_cart(token=token) if token else None
    if guest is None:
        return find_cart(user_id=user_id)
    own = find_cart(user_id=user_id)
    if own is None:
        # Adopt the guest cart as it is.
        guest.user_id = user_id
        guest.token = None
        db.session.flush()
        return guest
    for line in list(guest.lines):
        existing = _line_for(own, line.product_id)
        if existing is None:
            own.lines.append(CartLine(product_id=line.product_id, quantity=line.quantity))
        else:
            existing.quantity = min(existing.quantity + line.quantity, MAX_LINE_QUANTITY)
    db.session.delete(guest)
    db.session.flush()
    return own


@dataclass
class SummaryLine:
    product: Product
    quantity: int
    unit_price_vnd: int
    certificate: Certificate | None
    problem: LineProblem | None

    @property
    def line_total_vnd(self) -> int:
        return self.unit_price_vnd * self.quantity


@dataclass
class ProducerGroup:
    producer: Producer
    lines: list[SummaryLine] = field(default_factory=list)
    shipping_fee_vnd: int | None = None  # None until the destination province is known

    @property
    def subtotal_vnd(self) -> int:
        return sum(line.line_total_vnd for line in self.lines)


@dataclass
class CartSummary:
    groups: list[ProducerGroup]

    @property
    def is_empty(self) -> bool:
        return not self.groups

    @property
    def item_count(self) -> int:
        return sum(line.quantity for group in self.groups for line in group.lines)

    @property
    def subtotal_vnd(self) -> int:
        return sum(group.subtotal_vnd for group in self.groups)

    @property
    def shipping_vnd(self) -> int | None:
        fees = [group.shipping_fee_vnd for group in self.groups]
        return None if any(fee is None for fee in fees) else sum(fees)  # type: ignore[misc]

    @property
    def total_vnd(self) -> int | None:
        shipping = self.shipping_vnd
        return None if shipping is None else self.subtotal_vnd + shipping

    @property
    def problem_lines(self) -> list[SummaryLine]:
        return [line for group in self.groups for line in group.lines if line.problem]

    @property
    def can_check_out(self) -> bool:
        return not self.is_empty and not self.problem_lines


def _problem(product: Product, quantity: int, for_sale: bool) -> LineProblem | None:
    if not for_sale:
        return LineProblem.NOT_FOR_SALE
    if product.stock <= 0:
        return LineProblem.OUT_OF_STOCK
    if quantity > product.stock:
        return LineProblem.NOT_ENOUGH_STOCK
    return None


def summarize_cart(cart: Cart | None, on: date, ship_to: str | None = None) -> CartSummary:
    """Lines with today's prices and problems, grouped by producer, with shipping to `ship_to`."""
    if cart is None or not cart.lines:
        return CartSummary(groups=[])
    quantities = {line.product_id: line.quantity for line in cart.lines}
    products = db.session.scalars(
        select(Product)
        .where(Product.id.in_(quantities))
        .options(*product_load_options())
        .order_by(Product.producer_id, Product.id)
        .execution_options(populate_existing=True)
    ).all()
    groups: dict[int, ProducerGroup] = {}
    for product in products:
        group = groups.setdefault(product.producer_id, ProducerGroup(producer=product.producer))
        quantity = quantities[product.id]
        status = sale_status(product, on)
        group.lines.append(
            SummaryLine(
                product=product,
                quantity=quantity,
                unit_price_vnd=product.price_vnd,
                certificate=status.certificate,
                problem=_problem(product, quantity, status.for_sale),
            )
        )
    if ship_to:
        for group in groups.values():
            group.shipping_fee_vnd = shipping_fee_vnd(group.producer.province_code, ship_to)
    return CartSummary(groups=list(groups.values()))
