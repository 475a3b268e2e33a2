-- A shopper's write to one cart row (an email or address change, as Medusa writes it): a row
-- lock held by anyone else on that cart makes it wait. Carts are picked among the due ones.
-- bench_cart maps 1..:carts to cart ids (made by bench/run.sh).
\set n random(1, :carts)
UPDATE cart SET email = email WHERE id = (SELECT id FROM bench_cart WHERE n = :n);
