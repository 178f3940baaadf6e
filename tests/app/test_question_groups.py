from app.services.question_groups import bigrams, group_questions, jaccard, normalise_question


def sim(a: str, b: str) -> float:
    return jaccard(bigrams(a), bigrams(b))


def test_normalising_drops_punctuation_particles_and_question_words():
    assert (
        normalise_question("社区食堂，应该如何建设呢？")
        == normalise_question("社区食堂怎么建设")
        == "社区食堂建设"
    )
    assert normalise_question("？？") == ""


def test_near_identical_and_different_questions():
    assert sim("社区食堂怎么建设？", "社区食堂应该如何建设呢") == 1.0
    assert sim("如何建设社区食堂", "社区食堂怎么建设") >= 0.6
    assert sim("社区食堂怎么建设", "社区食堂怎么收费") < 0.6
    assert sim("业主委员会怎么成立", "业主委员会怎么罢免") < 0.6


def test_grouping_biggest_first():
    texts = [
        "公积金怎么提取",
        "个人所得税怎么申报",
        "个人所得税如何申报?",
        "公积金如何提取呢",
        "个税申报流程",
        "个人所得税怎么申报",
    ]
    assert group_questions(texts) == [[1, 2, 5], [0, 3], [4]]
    assert group_questions([]) == []


def test_prefix_filtered_grouping_equals_comparing_every_pair():
    import random

    rng = random.Random(3)
    subjects = ["社区食堂", "业主委员会", "网格员", "老旧小区改造", "志愿服务积分", "居民议事会"]
    verbs = ["建设", "成立", "考核", "收费", "运行", "培训", "管理"]
    frames = ["{s}怎么{v}", "如何{v}{s}", "{s}应该如何{v}呢", "{s}{v}的办法", "请问{s}{v}有哪些要求"]
    texts = [rng.choice(frames).format(s=rng.choice(subjects), v=rng.choice(verbs)) for _ in range(300)]

    grams = [bigrams(t) for t in texts]
    parent = list(range(len(texts)))

    def root(i):
        while parent[i] != i:
            i = parent[i]
        return i

    for i in range(len(texts)):
        for j in range(i):
            if jaccard(grams[i], grams[j]) >= 0.6:
                parent[root(i)] = root(j)
    naive: dict[int, list[int]] = {}
    for i in range(len(texts)):
        naive.setdefault(root(i), []).append(i)
    assert sorted(map(sorted, group_questions(texts))) == sorted(map(sorted, naive.values()))
