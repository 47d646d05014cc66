"""OCOP display-and-sales points (kiosks): points, their shelf stock, staff, pickup orders, reports.

Shelf stock is kept apart from online stock (`Product.stock`): a kiosk order reserves units on
its point's shelf, an online order never does. Kiosk orders go through the one checkout
(`orders.checkout.place_order` with `shelf_point_id`) and the pay-at-counter provider.
"""
