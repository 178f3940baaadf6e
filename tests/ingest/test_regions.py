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
    learned = learn_districts("宜宾市青禾区开展了工作")  # a district the national list does not have
    assert learned == {"青禾区": "宜宾市"}
    assert display(resolve_region("青禾区建立了网格党支部", learned)) == "宜宾市青禾区"


def test_every_county_level_division_is_known():
    assert display(resolve_region("叙州区建立了网格党支部")) == "宜宾市叙州区"
    assert resolve_region("浙江义乌的做法") == ("浙江省", "金华市", "义乌市")
    assert resolve_region("平遥县委牢固树立一盘棋思想")[-1] == "平遥县"
    assert (
        display(resolve_region("洛阳市老城区开展了工作", learn_districts("洛阳市老城区开展了工作")))
        == "洛阳市老城区"
    )


def test_county_names_inside_ordinary_words_are_not_places():
    for text in (
        "坚如磐石,破除文山会海",  # 磐石市, 文山市
        "振兴县域经济,相应县级部门,管理县级事务",  # 兴县, 应县, 理县
        "城市中区域,打造平安区域,东方市场",  # 市中区, 平安区, 东方市
        "一视同仁,提高安全意识,构建大安全格局",  # 同仁市, 高安市, 大安市
        "老城区改造和新城区建设",
    ):
        assert resolve_region(text) == (), text
