# The shop and its shoppers, made only through Medusa's Admin and Store APIs (run.sh).

# A sales channel, a region selling in euros with Medusa's system payment provider, a product
# with a price (no shipping profile, no inventory: checkout needs no fulfillment set up), and a
# publishable key for the storefront.
make_shop() {
    admin POST /admin/sales-channels '{"name": "Web shop"}'
    expect 200 "sales channel"
    SALES_CHANNEL="$(json .sales_channel.id)"
    admin POST /admin/regions '{"name": "Europe", "currency_code": "eur", "countries": ["de", "gb", "fr"],
                                "payment_providers": ["pp_system_default"]}'
    expect 200 "region"
    REGION="$(json .region.id)"
    admin POST /admin/products "$(jq -nc --arg sc "$SALES_CHANNEL" '{title: "Ashwagandha tablets", status: "published",
        options: [{title: "Size", values: ["60"]}],
        variants: [{title: "60 tablets", options: {Size: "60"}, manage_inventory: false,
                    prices: [{currency_code: "eur", amount: 25}]}],
        sales_channels: [{id: $sc}]}')"
    expect 200 "product"
    VARIANT="$(json '.product.variants[0].id')"
    admin POST /admin/api-keys '{"title": "Storefront", "type": "publishable"}'
    expect 200 "publishable key"
    local key_id
    key_id="$(json .api_key.id)"
    PUBLISHABLE_KEY="$(json .api_key.token)"
    admin POST "/admin/api-keys/$key_id/sales-channels" "$(jq -nc --arg sc "$SALES_CHANNEL" '{add: [$sc]}')"
    expect 200 "key's sales channel"
}

# new_cart [CUSTOMER_TOKEN]: a cart as a storefront makes it (region, then an item); sets CART.
new_cart() {
    store POST /store/carts "$(jq -nc --arg r "$REGION" --arg sc "$SALES_CHANNEL" '{region_id: $r, sales_channel_id: $sc}')" "${1:-}"
    expect 200 "cart"
    CART="$(json .cart.id)"
    store POST "/store/carts/$CART/line-items" "$(jq -nc --arg v "$VARIANT" '{variant_id: $v, quantity: 1}')" "${1:-}"
    expect 200 "line item"
}

# address_step EMAIL FIRST_NAME COUNTRY PHONE [CUSTOMER_TOKEN]: the checkout's address step
# (PHONE may be empty: most shoppers type none).
address_step() {
    store POST "/store/carts/$CART" "$(jq -nc --arg e "$1" --arg n "$2" --arg c "$3" --arg p "$4" '{email: $e,
        shipping_address: ({first_name: $n, last_name: "Shopper", address_1: "Hauptstr. 1", city: "Berlin",
                            postal_code: "10115", country_code: $c} + (if $p == "" then {} else {phone: $p} end))}')" "${5:-}"
    expect 200 "address step"
}

# checkout CART_ID: payment with Medusa's system provider, then completion; sets ORDER.
checkout() {
    store POST /store/payment-collections "$(jq -nc --arg c "$1" '{cart_id: $c}')"
    expect 200 "payment collection"
    local collection
    collection="$(json .payment_collection.id)"
    store POST "/store/payment-collections/$collection/payment-sessions" '{"provider_id": "pp_system_default"}'
    expect 200 "payment session"
    store POST "/store/carts/$1/complete" ''
    expect 200 "cart completion"
    ORDER="$(json '.order.id // empty')"
}

# register_customer EMAIL FIRST_NAME PHONE: a shopper who makes an account (Medusa's emailpass
# provider) with a phone on it; sets CUSTOMER_TOKEN (logged in).
register_customer() {
    local credentials
    credentials="$(jq -nc --arg e "$1" --arg p "$ADMIN_PASSWORD" '{email: $e, password: $p}')"
    request POST "$MEDUSA_URL/auth/customer/emailpass/register" "$credentials"
    expect 200 "customer registration"
    store POST /store/customers "$(jq -nc --arg e "$1" --arg n "$2" --arg ph "$3" '{email: $e, first_name: $n, phone: $ph}')" "$(json .token)"
    expect 200 "customer"
    request POST "$MEDUSA_URL/auth/customer/emailpass" "$credentials"
    expect 200 "customer login"
    CUSTOMER_TOKEN="$(json .token)"
}
