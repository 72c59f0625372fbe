"""An independent transcription of the 2021 official tables (国办公开办函〔2021〕30号), typed from
shared/official-format.md, not derived from workbook_templates/. Tests hold the generated workbook against it."""

from __future__ import annotations

T2_SHEET = "二、主动公开政府信息情况"
T3_SHEET = "三、收到和处理政府信息公开申请情况"
T4_SHEET = "四、政府信息公开行政复议、行政诉讼情况"

# Table 二: rows top to bottom: ("band", text) spans the 4 columns; ("head", [4 texts]) where a value header
# spanning columns 2-4 is given once; ("row", label, number of value cells).
T2_ROWS_2021: list[tuple] = [
    ("band", "第二十条第（一）项"),
    ("head", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
    ("row", "规章", 3),
    ("row", "行政规范性文件", 3),
    ("band", "第二十条第（五）项"),
    ("head", ["信息内容", "本年处理决定数量"]),
    ("row", "行政许可", 1),
    ("band", "第二十条第（六）项"),
    ("head", ["信息内容", "本年处理决定数量"]),
    ("row", "行政处罚", 1),
    ("row", "行政强制", 1),
    ("band", "第二十条第（八）项"),
    ("head", ["信息内容", "本年收费金额（单位：万元）"]),
    ("row", "行政事业性收费", 1),
]

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_COLUMNS = [
    ["申请人情况", "自然人"],
    ["申请人情况", "法人或其他组织", "商业企业"],
    ["申请人情况", "法人或其他组织", "科研机构"],
    ["申请人情况", "法人或其他组织", "社会公益组织"],
    ["申请人情况", "法人或其他组织", "法律服务机构"],
    ["申请人情况", "法人或其他组织", "其他"],
    ["申请人情况", "总计"],
]
_R = "三、本年度办理结果"
_DENY = "（三）不予公开"
_UNABLE = "（四）无法提供"
_REJECT = "（五）不予处理"
_OTHER = "（六）其他处理"
T3_ROWS_2021 = [
    ["一、本年新收政府信息公开申请数量"],
    ["二、上年结转政府信息公开申请数量"],
    [_R, "（一）予以公开"],
    [_R, "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"],
    [_R, _DENY, "1.属于国家秘密"],
    [_R, _DENY, "2.其他法律行政法规禁止公开"],
    [_R, _DENY, "3.危及“三安全一稳定”"],
    [_R, _DENY, "4.保护第三方合法权益"],
    [_R, _DENY, "5.属于三类内部事务信息"],
    [_R, _DENY, "6.属于四类过程性信息"],
    [_R, _DENY, "7.属于行政执法案卷"],
    [_R, _DENY, "8.属于行政查询事项"],
    [_R, _UNABLE, "1.本机关不掌握相关政府信息"],
    [_R, _UNABLE, "2.没有现成信息需要另行制作"],
    [_R, _UNABLE, "3.补正后申请内容仍不明确"],
    [_R, _REJECT, "1.信访举报投诉类申请"],
    [_R, _REJECT, "2.重复申请"],
    [_R, _REJECT, "3.要求提供公开出版物"],
    [_R, _REJECT, "4.无正当理由大量反复申请"],
    [_R, _REJECT, "5.要求行政机关确认或重新出具已获取信息"],
    [_R, _OTHER, "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
    [_R, _OTHER, "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
    [_R, _OTHER, "3.其他"],
    [_R, "（七）总计"],
    ["四、结转下年度继续办理"],
]

_OUTCOMES = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_COLUMNS = (
    [["行政复议", o] for o in _OUTCOMES]
    + [["行政诉讼", "未经复议直接起诉", o] for o in _OUTCOMES]
    + [["行政诉讼", "复议后起诉", o] for o in _OUTCOMES]
)
