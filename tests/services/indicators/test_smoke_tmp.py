from tests.conftest import MakeClient, MakeKey

async def test_smoke(client: MakeClient, make_key: MakeKey) -> None:
    key = await make_key()
    c = client("indicators", key)
    c2 = client("indicators", await make_key(municipality="1463"))
    r = await c.get("/v1/analytics", params={"indicators": "andel_nojda", "level": "unit,area,municipality", "from": "2022", "to": "2024", "gender": "T", "include": "target,status,trend,gender_gap,comparison,numerator,denominator,provenance", "limit": 3})
    print(r.status_code, r.headers.get("etag"), r.text[:3000])
    r2 = await c.get("/v1/analytics", params={"indicators": "andel_nojda", "level": "unit,area,municipality", "from": "2022", "to": "2024", "gender": "T", "include": "target,status,trend,gender_gap,comparison,numerator,denominator,provenance", "limit": 3}, headers={"If-None-Match": r.headers["etag"]})
    print(r2.status_code)
    r = await c2.get("/v1/analytics", params={"indicators": "oj_aldreomsorg,oj_lss", "level": "municipality", "period": "2022", "include": "trend"})
    print(r.status_code, r.text[:3000])
