"""Find the web page around a document: navigation, notices, link lists, footers, meta lines, the page title.

Lines are judged by what they look like (patterns that hold across sites) and by where they
stand: before the first body paragraph (the page head) or after the last one (the page tail).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

C = "[:\uff1a]"  # an ASCII or full-width colon
_SENTENCE_PUNCT = re.compile("[。!?;\uff01\uff1f\uff1b]")  # captures often fold the full-width marks to ASCII

_NAV_WORDS = frozenset(
    """首页 我的 下载 收起 展开 返回 返回顶部 返回首页 回到顶部 顶部 登录 注册 退出 搜索 更多 打印 关闭 分享 收藏
    设为首页 加入收藏 网站导航 网站地图 帮助中心 帮助 广告联系 广告服务 广告合作 手机版 移动版 客户端 无障碍 繁体 简体
    English 上一页 下一页 阅读全文 全文 点击查看 打印本页 关闭窗口 打印此页 关闭此页 字号 大 中 小 默认 导航 菜单 评论
    点赞 微信 微博 QQ 扫一扫 会员中心 个人中心 我的文档 投诉 意见反馈 反馈 联系客服 在线客服 今日推荐""".split()
)
_NAV = re.compile(
    rf"^(扫一扫|扫码|微信扫一扫|手机扫描|分享到|当前位置|您现在的位置|您的位置|所在位置|位置{C}|字号{C}?\s*[大中小])"
    r"|在手机(上)?(打开|阅读|浏览)|^(【(打印|关闭|收藏|返回|顶部|字号|分享|纠错|推荐|复制|大|中|小)[^】]{0,6}】\s*)+$"
)
_SITE_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9]{2,16}(网|网站|门户|频道|在线|新闻|资讯)$")
_KEYWORDS = re.compile(rf"^(热门关键词|关键词|关键字|标签|Tags?|热门搜索|热搜词?|相关搜索){C}", re.I)
_DOWNLOAD = re.compile(
    rf"^(温馨提示|ID|大小|页数|格式|文件大小|文档格式|文档大小|上传者|上传时间|贡献者|下载次数|下载积分|积分|网站客服|在线客服|客服QQ){C}"
    r"|^(下载文档|立即下载|免费下载|点击下载|文档下载|下载地址|下载本文|下载此文档|下载全文|付费下载|收藏\s*分享.*)$"
    r"|此文档下载收益|你可能关注的文档|本文档由用户上传|下载前请|下载后无此问题"
)
_DOWNLOAD_ITEM_WORDS = re.compile(r"下载|文档|本站|客服|版权|上传|预览|付费|会员|积分|侵权|投诉")
_ENUMERATED = re.compile(
    r"^\s*(?:\d{1,2}|[一二三四五六七八九十]{1,2})[.、\uff0e]|^\s*[(\uff08]\d{1,2}[)\uff09]"
)
_RELATED = re.compile(
    r"^(热门关注|最新范文|相关文章|相关阅读|推荐阅读|相关推荐|猜你喜欢|热门文章|热点推荐|延伸阅读|精彩推荐|相关链接"
    r"|你可能感兴趣|更多阅读|热门推荐|最新文章|最新更新|热门范文|相关范文|精选范文|编辑推荐|大家都在看|热点新闻|热门阅读"
    r"|相关新闻|热门资讯|最新资讯|推荐文章)"
)
_PREV_NEXT = re.compile(rf"^(上一篇|下一篇|上一条|下一条|上篇|下篇){C}?")
_EDITOR = re.compile(
    rf"^[(\uff08\[【]?\s*(责任编辑|编辑|责编|审核|审校|校对|终审|初审|复审|值班编辑|监制|编审|主编)\s*{C}"
)
_FOOTER_STRONG = re.compile(
    r"版权所有|版权归.{0,12}所有|Copyright|©|\(c\)\s*\d{4}|ICP[备证]|备案号|公网安备|公安备案|网站标识码"
    rf"|许可证号?{C}?\s*\S{{0,8}}\d{{5,}}|违法和不良信息|禁止.{{0,8}}镜像|All Rights Reserved"
    r"|未经.{0,12}(?:授权|许可).{0,12}(?:转载|镜像|复制|使用)",
    re.I,
)
_FOOTER_WEAK = re.compile(
    rf"关于我们|联系我们|法律声明|隐私|免责声明|制作单位|主办单位|承办单位|协办单位|技术支持|运营单位|主办{C}"
    rf"|电话{C}|传真|地址{C}|邮箱{C}|邮编|邮政编码|E-?mail|手机{C}|投稿|出品$"
)
_META_KEY = (
    r"来源|来源于|文章来源|信息来源|稿件来源|作者|记者|通讯员|人气|浏览|浏览次数|浏览量|阅读|阅读量|阅读次数|点击|点击数"
    r"|点击量|发布时间|发布日期|发表时间|更新时间|发布者|发布人|发文机关|供稿|摄影|文"
)
_META = re.compile(rf"^({_META_KEY})\s*{C}|^文\s*/")
_META_KEY_ANYWHERE = re.compile(rf"(?:^|\s)({_META_KEY})\s*{C}")
_DATE = r"\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
_TIMESTAMP = re.compile(rf"^(?:(?:时间|日期){C}\s*)?{_DATE}$")
_DIGEST = re.compile(rf"^(摘要|内容摘要|内容提要|提要|导读|简介|导语|核心提示|概要){C}\s*")
_FILE_TITLE = re.compile(r"\.(docx?|pdf|txt|wps|pptx?|xlsx?|html?)$", re.I)
_PAGE_COUNTER = re.compile(
    r"第\s*\d+\s*页\s*[/,\uff0c、]?\s*共\s*\d+\s*页|共\s*\d+\s*页\s*[/,\uff0c、]?\s*第\s*\d+\s*页"
    r"|\bPage\s+\d+\s*(?:of|/)\s*\d+\b",
    re.I,
)
_PAGE_NUMBER_LINE = re.compile(r"^[-—–]\s*\d{1,4}\s*[-—–]$")
_INLINE_EDITOR = re.compile(
    rf"[(\uff08\[【]\s*(?:责任编辑|编辑|责编){C}[^)\uff09\]】\n]{{1,20}}[)\uff09\]】]\s*$"
)
_TRAILER = re.compile(r"(\.{3,}|…+|。。。)$")

HEADING_MAX = 60  # a page title is a short line
SHORT = 40  # link-list titles and tail lines are short


@dataclass
class Found:
    """Boilerplate found in a text: ``(start, end, kind)`` spans, and the page title if one was seen."""

    spans: list[tuple[int, int, str]]
    title: str | None


@dataclass
class _Line:
    start: int
    end: int  # end of the line's text, before its newline
    text: str  # stripped
    kind: str | None = None


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s|丨·/\\]+", text) if t]


def _classify(text: str) -> str | None:
    """The kind of boilerplate a line is by its look alone, or None."""
    if _PAGE_COUNTER.fullmatch(text) or _PAGE_NUMBER_LINE.match(text):
        return "page_counter"
    if _KEYWORDS.match(text):
        return "keywords"
    if _DOWNLOAD.search(text) and len(text) <= 60:
        return "download"
    if (_RELATED.match(text) and len(text) <= 20) or (_PREV_NEXT.match(text) and len(text) <= 150):
        return "related"
    if _EDITOR.match(text) and len(text) <= 60:
        return "editor"
    if _TIMESTAMP.match(text):
        return "meta"
    if len(text) <= 120 and (_META.match(text) or len(_META_KEY_ANYWHERE.findall(text)) >= 2):
        return "meta"
    if _FOOTER_STRONG.search(text) and len(text) <= 300 and "。" not in text[:-1]:
        return "footer"
    tokens = _tokens(text)
    if len(tokens) >= 3 and len(text) <= 150 and len(_FOOTER_WEAK.findall(text)) >= 2:
        return "footer"  # 关于我们 | 联系我们 | 法律声明 ...
    if _NAV.search(text) or (tokens and sum(t in _NAV_WORDS for t in tokens) * 2 >= len(tokens) + 1):
        return "nav"
    return None


def _classify_edge(text: str, tags: bool = False) -> str | None:
    """Weaker signs, trusted only in the page head or tail (in the body they may be a table row).

    ``tags``: whether a line of short words may be a tag list (it follows other page chrome).
    """
    if _FOOTER_WEAK.search(text) and len(text) <= 200:
        return "footer"
    tokens = _tokens(text)
    short_tokens = all(len(t) <= 8 for t in tokens)
    if _SITE_NAME.match(text) or (len(tokens) >= 3 and short_tokens and any(t in _NAV_WORDS for t in tokens)):
        return "nav"  # a site name, a menu: 首页 新闻 政务 互动
    if (
        tags
        and len(tokens) >= 5
        and len(text) <= 100
        and short_tokens
        and not re.search("[,\uff0c、。!?;]", text)
    ):
        return "keywords"  # tags: 2023 全市 党建 城乡 社区
    return None


def _lines(text: str) -> list[_Line]:
    out = []
    for m in re.finditer(r"[^\n]*", text):
        if m.start() > 0 and text[m.start() - 1] != "\n":
            continue  # the empty match right after a line
        out.append(_Line(m.start(), m.end(), m.group().strip()))
    return out


def _is_body(line: _Line) -> bool:
    return line.kind is None and (
        len(line.text) >= 80 or (len(line.text) >= 30 and bool(_SENTENCE_PUNCT.search(line.text)))
    )


def _squeeze(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _mark_blocks(lines: list[_Line]) -> None:
    """Download notices (温馨提示 and its numbered items) and link lists (最新范文 ... titles ...)."""
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind == "download" and line.text.startswith("温馨提示"):
            j = i + 1
            while j < len(lines) and (
                not lines[j].text
                or (_ENUMERATED.match(lines[j].text) and _DOWNLOAD_ITEM_WORDS.search(lines[j].text))
            ):
                if lines[j].text:
                    lines[j].kind = "download"
                j += 1
        if line.kind == "related" and _RELATED.match(line.text):
            j = i + 1
            while j < len(lines):
                t = lines[j].text
                if t and lines[j].kind is None and len(t) <= SHORT and not _SENTENCE_PUNCT.search(t):
                    lines[j].kind = "related"
                elif t and lines[j].kind != "related":
                    break
                j += 1
        i += 1


def _mark_duplicates(lines: list[_Line]) -> None:
    """A line that repeats (usually cut short) text that follows it: a digest, a teaser."""
    kept = [(i, _squeeze(x.text)) for i, x in enumerate(lines) if x.kind is None and x.text]
    joined = "".join(t for _, t in kept)
    after, pos = {}, 0
    for i, t in kept:
        pos += len(t)
        after[i] = pos  # where the text of the lines below line i starts in ``joined``
    for i, _ in kept:
        line = lines[i]
        labelled = _DIGEST.match(line.text)
        core = line.text[labelled.end() :] if labelled else line.text
        if len(line.text) < 20 or (not labelled and _SENTENCE_PUNCT.search(core[-1:])):
            continue  # short, or a complete sentence rather than a cut teaser
        core = _squeeze(_TRAILER.sub("", core))
        if len(core) >= 15 and joined.find(core, after[i], after[i] + 4 * len(core) + 500) >= 0:
            line.kind = "duplicate"


_DOC_NO = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*第?\s*\d{1,5}\s*号$")


def _find_title(lines: list[_Line], head_end: int) -> int | None:
    """A short line in the page head followed by a meta line, or a file name."""
    for i in range(head_end):
        line = lines[i]
        if _DOC_NO.match(line.text):
            return None  # an official document's head: its 落款 and date are not a page title
        if line.kind or not line.text:
            continue
        if _FILE_TITLE.search(line.text) and len(line.text) <= 100:
            return i
        if len(line.text) > HEADING_MAX or "。" in line.text:
            continue
        nxt = next((x for x in lines[i + 1 :] if x.text), None)
        if nxt is not None and nxt.kind == "meta":
            return i
    return None


def find_boilerplate(text: str) -> Found:
    """Boilerplate lines and inline spans of a (simplified) text; offsets are into ``text``."""
    lines = _lines(text)
    for line in lines:
        if line.text:
            line.kind = _classify(line.text)
    _mark_blocks(lines)
    _mark_duplicates(lines)
    body = [i for i, line in enumerate(lines) if _is_body(line)]
    first, last = (body[0], body[-1]) if body else (len(lines), len(lines) - 1)
    title = _find_title(lines, first)
    if title is not None:
        lines[title].kind = "title"
    previous = None
    for i in range(first):  # the page head
        line = lines[i]
        if line.text and line.kind is None:
            tags = previous is not None and previous != "title"
            line.kind = "nav" if title is not None and i < title else _classify_edge(line.text, tags)
        previous = line.kind if line.text else previous
    seen_boilerplate = False
    for line in lines[last + 1 :] if body else []:  # the page tail
        if not line.text:
            continue
        if line.kind is None:
            line.kind = _classify_edge(line.text)
        if (
            line.kind is None
            and seen_boilerplate
            and len(line.text) <= SHORT
            and not _SENTENCE_PUNCT.search(line.text)
        ):
            line.kind = "footer"
        # Below the page's own chrome, short lines are more chrome; a page number or a date says nothing.
        seen_boilerplate = seen_boilerplate or line.kind not in (None, "page_counter", "meta")
    spans = []
    for line in lines:
        if line.kind:
            end = line.end + 1 if line.end < len(text) else line.end
            spans.append((line.start, end, line.kind))
        elif line.text:
            spans.extend(_inline(text, line))
    title_text = lines[title].text if title is not None else None
    return Found(spans, title_text)


def _inline(text: str, line: _Line) -> list[tuple[int, int, str]]:
    """Boilerplate inside a kept line: page counters, an editor's name at the end."""
    out = []
    segment = text[line.start : line.end]
    for m in _PAGE_COUNTER.finditer(segment):
        out.append((line.start + m.start(), line.start + m.end(), "page_counter"))
    m = _INLINE_EDITOR.search(segment)
    if m:
        out.append((line.start + m.start(), line.start + m.end(), "editor"))
    return out
