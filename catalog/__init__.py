"""Who makes what, certified how: producers, products, OCOP certificates and the for-sale rule."""
