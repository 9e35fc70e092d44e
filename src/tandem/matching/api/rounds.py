from ninja import Router

router = Router(tags=["matching: rounds"])
