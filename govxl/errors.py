"""The one error type users see, and the exit codes of the command line."""

from __future__ import annotations

import errno

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNUSABLE = 2
EXIT_INTERNAL = 3


class GovxlError(Exception):
    """Work cannot proceed: unreadable input, bad flag, broken spec, unwritable output.

    The message is Chinese, names the file (and cell where there is one), and is shown to the user as is.
    """

    exit_code = EXIT_UNUSABLE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SpecError(GovxlError):
    """An edition data file in workbook_templates/ is malformed."""


_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.EACCES: "没有访问权限",
    errno.EPERM: "操作不被允许（没有权限）",
    errno.EROFS: "所在位置是只读的，不能写入",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "超出磁盘配额",
    errno.EISDIR: "这是一个文件夹",
    errno.ENOTDIR: "路径中有一项不是文件夹",
    errno.ENAMETOOLONG: "文件名过长",
    errno.EEXIST: "文件已存在",
    errno.EBUSY: "文件正被占用",
    errno.ETXTBSY: "文件正被占用",
    errno.EMFILE: "同时打开的文件过多",
    errno.ENFILE: "同时打开的文件过多",
    errno.EIO: "读写设备出错",
    errno.EFBIG: "文件过大",
    errno.EINVAL: "文件名或参数无效",
    errno.ELOOP: "路径中的符号链接循环",
    errno.EXDEV: "不能跨磁盘移动文件",
}


def os_reason(exc: OSError) -> str:
    """Why the system refused, in Chinese: the OS's own text (strerror) is English on most machines."""
    if exc.errno in _OS_REASONS:
        return _OS_REASONS[exc.errno]
    return f"系统错误（错误号 {exc.errno}）" if exc.errno else "系统读写错误"


# what broke, by the exception's class name (the libraries' own classes are imported lazily, if at all)
_DESCRIPTIONS = (
    (("XmlError", "ParseError", "ExpatError", "XMLSyntaxError"), "其中的数据格式有误"),
    (("BadZipFile", "LargeZipFile"), "压缩内容已损坏"),
    (("PackageNotFoundError",), "不是有效的 Word 文档（文档包结构不完整）"),
    (("PdfminerException", "PDFSyntaxError", "PSEOF", "PSSyntaxError", "PDFException"), "PDF 结构有误"),
    (("PDFPasswordIncorrect", "PDFEncryptionError"), "PDF 设置了密码或已加密"),
    (("UnicodeDecodeError", "UnicodeError"), "文字编码有误"),
    (("MemoryError",), "内容过大，内存不足"),
    (("RecursionError",), "内容嵌套过深"),
    (("KeyError", "IndexError"), "缺少必需的部分"),
    (("ValueError", "TypeError"), "内容的格式有误"),
    (("OSError",), "读写出错"),
)


def describe(exc: BaseException) -> str:
    """A Chinese description of what went wrong inside a file, instead of the exception's English class name."""
    if isinstance(exc, OSError) and exc.errno:
        return os_reason(exc)
    for cls in type(exc).__mro__:
        for names, text in _DESCRIPTIONS:
            if cls.__name__ in names:
                return text
    return "内部结构无法解析"
