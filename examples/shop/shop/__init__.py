"""A small shop keeping its books in Xero through xerosync, as a customer's application would.

It never imports xerosync: it hands records in over xerosync's REST API (`XerosyncApi`), and
learns what happened from xerosync's signed outbound webhooks (`receiver`), keeping everything
in its own database (`ShopStore`). `xerosync demo` plays it against the bundled Xero emulator.
"""

from shop.api import XerosyncApi
from shop.catalogue import Catalogue, make_catalogue
from shop.receiver import SIGNATURE_HEADER, receiver, verify_signature
from shop.store import ShopStore
from shop.sync import hand_in

__all__ = [
    "SIGNATURE_HEADER",
    "Catalogue",
    "ShopStore",
    "XerosyncApi",
    "hand_in",
    "make_catalogue",
    "receiver",
    "verify_signature",
]
