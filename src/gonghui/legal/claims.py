"""The kinds of claim a worker brings (plain data, importable before the apps are ready)."""

CLAIM_TYPES = ["追索劳动报酬", "工伤赔偿", "劳动合同纠纷", "社会保险待遇", "其他劳动争议"]

#: claims for which a migrant worker skips the means test (Legal Aid Law Art. 42)
EXEMPT_CLAIMS = ("追索劳动报酬", "工伤赔偿")
