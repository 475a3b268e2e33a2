-- Shoppers at work, as Medusa writes it: read the cart with its items, change an item's
-- quantity (the item row alone, as Medusa does), then update the cart itself (an email or
-- address change), in one transaction.
-- bench_cart maps 1..:carts to cart ids (made by bench/run.sh).
\set n random(1, :carts)
BEGIN;
SELECT c.id, c.currency_code, c.updated_at, li.id, li.quantity, li.unit_price
  FROM bench_cart b JOIN cart c ON c.id = b.id
  LEFT JOIN cart_line_item li ON li.cart_id = c.id AND li.deleted_at IS NULL
 WHERE b.n = :n;
UPDATE cart_line_item SET quantity = quantity % 5 + 1, updated_at = now()
 WHERE id = (SELECT li.id FROM bench_cart b JOIN cart_line_item li ON li.cart_id = b.id
              WHERE b.n = :n AND li.deleted_at IS NULL ORDER BY li.id LIMIT 1);
UPDATE cart SET updated_at = now() WHERE id = (SELECT id FROM bench_cart WHERE n = :n);
END;
