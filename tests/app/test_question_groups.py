from app.question_groups import bigrams, group_questions, jaccard, normalise_question


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
