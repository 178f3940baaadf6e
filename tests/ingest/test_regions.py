from ingest.regions import display, learn_districts, resolve_region


def test_city_and_district_resolve_with_province():
    path = resolve_region("自2021年以来,许昌市魏都区通过党建引领基层治理")
    assert path == ("河南省", "许昌市", "魏都区")
    assert display(path) == "许昌市魏都区"


def test_municipality_district():
    assert display(resolve_region("顺义区空港街道以党建引领业委会规范化建设")) == "北京市顺义区"


def test_short_form_of_city():
    assert display(resolve_region("绵阳牢固树立大抓基层鲜明导向")) == "绵阳市"


def test_streets_and_schools_are_not_the_subject():
    # 太原街 is a street, 西安路 a road: no place named
    assert resolve_region("在太原街成立了商圈党委,在西安路建立了服务中心") == ()
    # a university weighs less than the place the text is about
    path = resolve_region("依托沈阳大学成立社区学院,组织书记到厦门学习", prior=("辽宁省",))
    assert path[:2] == ("辽宁省", "沈阳市")


def test_ambiguous_words_are_not_places():
    assert resolve_region("确保长治久安,推动大同社会") == ()


def test_districts_learned_from_text():
    learned = learn_districts("某某市新城区开展了工作")
    assert learned == {}  # 某某市 is no city in the gazetteer
    learned = learn_districts("宜宾市叙州区开展了工作")
    assert learned == {"叙州区": "宜宾市"}
    assert display(resolve_region("叙州区建立了网格党支部", learned)) == "宜宾市叙州区"
