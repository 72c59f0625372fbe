"""The rule catalogue: stable ids (never reused), severities, Chinese message templates, rationale.

Ids follow shared/rules-reference.md where a rule is one of its rules (R3.1 …); rules the reference leaves
implicit get ids of their own: B (blank), T (text read as a number), C (cover), M (template identity).
`docs/rules.md` is generated from this list (`govxl rules --format markdown`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from govxl.findings import CellRef, Finding, Severity

E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    title: str
    template: str
    rationale: str
    scope: str  # 表二 / 表三 / 表四 / 封面 / 结构 / 全部表格


CATALOGUE: tuple[Rule, ...] = (
    Rule(
        "R3.1",
        E,
        "第一项加第二项之和等于第三项加第四项之和",
        "{where}：第一项加第二项之和 {lhs} 不等于第三项加第四项之和 {rhs}（相差 {diff}）",
        "表三表头印明的勾稽关系：本年新收＋上年结转＝（七）总计＋结转下年度继续办理。",
        "表三",
    ),
    Rule(
        "R3.2",
        E,
        "（七）总计等于各项办理结果之和",
        "{where}：（七）总计 {lhs} 不等于各项办理结果之和 {rhs}",
        "（七）总计是（一）至（六）各项之和。",
        "表三",
    ),
    Rule(
        "R3.3",
        E,
        "总计列等于六类申请人之和",
        "{where}：总计 {lhs} 不等于自然人与五类法人或其他组织之和 {rhs}",
        "每行的总计是自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他之和。",
        "表三",
    ),
    Rule("R3.4", E, "表三填非负整数", "{cell}的值“{raw}”无效：{reason}", "申请件数只能是不小于0的整数。", "表三"),
    Rule(
        "R3.5",
        W,
        "结转下年度不多于本年新收",
        "{where}：结转下年度继续办理 {lhs} 多于本年新收 {rhs}",
        "法定答复期限最长40个工作日，结转下年度的申请通常只来自本年新收；确有特殊情况请写明说明。",
        "表三",
    ),
    Rule(
        "R3.6",
        W,
        "（七）总计不少于上年结转",
        "{where}：（七）总计 {lhs} 少于上年结转 {rhs}",
        "上年结转的申请应在本年办结并计入本年办理结果；确有特殊情况请写明说明。",
        "表三",
    ),
    Rule(
        "R3.7",
        INFO,
        "部分公开只计一次",
        "部分公开共 {actual} 件：区分处理的申请只计入“部分公开”，不再计入其他办理结果",
        "官方表注：区分处理的，只计这一情形，不计其他情形。无法机器核对，仅作提示。",
        "表三",
    ),
    Rule(
        "R2.1",
        E,
        "表二填非负整数或金额",
        "{cell}的值“{raw}”无效：{reason}",
        "件数、决定数量是不小于0的整数；收费金额是不小于0的万元数。",
        "表二",
    ),
    Rule(
        "R2.2",
        E,
        "无规章制定权的单位规章填0",
        "单位类型为“{level}”，没有规章制定权，{cell}（规章）应为0，现为 {actual}",
        "只有国务院部门，省、自治区、直辖市人民政府，设区的市、自治州人民政府可以制定规章。",
        "表二",
    ),
    Rule(
        "R2.2U",
        W,
        "规章不为0时须核实单位类型",
        "{cell}（规章）为 {actual}，但封面单位类型未填或不是官方选项："
        "只有国务院部门、省级和设区的市人民政府可以制定规章",
        "封面未填单位类型（或填的不是官方选项）时无法判断是否有规章制定权。",
        "表二",
    ),
    Rule(
        "R2.4",
        E,
        "本年增/减填整数",
        "{cell}的值“{raw}”无效：{reason}",
        "2019年格式的本年增/减是有符号整数，减少填负数（“减4”即 -4）。",
        "表二",
    ),
    Rule(
        "R4.1",
        E,
        "行政复议总计等于四项之和",
        "{where}：总计 {lhs} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {rhs}",
        "表四每个总计是其前四项之和。",
        "表四",
    ),
    Rule(
        "R4.2",
        E,
        "未经复议直接起诉总计等于四项之和",
        "{where}：总计 {lhs} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {rhs}",
        "表四每个总计是其前四项之和。",
        "表四",
    ),
    Rule(
        "R4.3",
        E,
        "复议后起诉总计等于四项之和",
        "{where}：总计 {lhs} 不等于结果维持、结果纠正、其他结果、尚未审结之和 {rhs}",
        "表四每个总计是其前四项之和。",
        "表四",
    ),
    Rule("R4.4", E, "表四填非负整数", "{cell}的值“{raw}”无效：{reason}", "案件数只能是不小于0的整数。", "表四"),
    Rule(
        "B1",
        W,
        "空格应填0",
        "{cell}{count}为空（{labels}）：没有发生的请填0，不要留空",
        "官方要求没有发生的事项填0；空格无法区分“没有”和“漏填”。校验时按0计算；相邻的空格合为一条。",
        "全部表格",
    ),
    Rule(
        "B2",
        E,
        "表格已填写",
        "表格尚未填写：全部 {count} 个填写格都是空的",
        "空白的填报表不是年度报告；没有发生的事项也要填0。",
        "全部表格",
    ),
    Rule(
        "T1",
        W,
        "文本形式的数字",
        "{cell}填的是文本“{raw}”，已按 {actual} 读取：请改为纯数字",
        "全角数字、空格、千位分隔符或单位（如“12件”）会让汇总出错。",
        "全部表格",
    ),
    Rule("C1", W, "封面项未填", "封面“{label}”未填写", "填报单位、报告年度、单位类型用于汇总和规章核对。", "封面"),
    Rule("C2", E, "报告年度无效", "报告年度“{raw}”不是有效的年份", "报告年度是四位年份。", "封面"),
    Rule(
        "C3",
        W,
        "单位类型是官方选项之一",
        "封面“{label}”为“{actual}”，不在官方选项中（{options}）：无法判断有无规章制定权，请从下拉列表中选择",
        "单位类型决定规章一栏能否不为0；选项以外的写法按未填处理，规章不为0时提示核实（R2.2U）。",
        "封面",
    ),
    Rule(
        "C4",
        W,
        "封面项不超过规定长度",
        "封面“{label}”长达 {actual} 字，超过 {limit} 字：请只填写机关全称等规定内容",
        "过长的内容不是机关名称，汇总表和校验结果也无法完整保存（表格单元格最多 32767 字）。",
        "封面",
    ),
    Rule(
        "X1",
        E,
        "上年结转等于上年报表的结转下年度",
        "{where}：上年结转 {lhs} 不等于上年报表的“结转下年度继续办理” {rhs}",
        "本年的上年结转就是上年报表结转下年度继续办理的申请；机构改革等特殊情况请写明说明。",
        "跨年度",
    ),
    Rule(
        "X2",
        W,
        "现行有效件数前后衔接",
        "{where}：现行有效件数 {lhs} 不等于上年现行有效件数加本年制发件数减本年废止件数，即 {rhs}",
        "到期自然失效的文件不计入废止件数时，两者可能不等；请核实并写明说明。",
        "跨年度",
    ),
    Rule(
        "X3",
        W,
        "上一年项目数量前后衔接",
        "{where}：上一年项目数量 {lhs} 不等于上年报表的上一年项目数量加本年增/减，即 {rhs}",
        "2019年格式中，本年的上一年项目数量应等于上年的项目数量加上年的增减。",
        "跨年度",
    ),
    Rule(
        "X4",
        W,
        "与上年报表雷同",
        "各表 {actual} 个数字与上年报表完全相同：请核实是否照抄了上年报告",
        "国办公开办函〔2021〕30号将内容雷同列为通报问题；数字全部相同几乎不可能。",
        "跨年度",
    ),
    Rule(
        "X5",
        W,
        "报告年度与表格格式相符",
        "报告年度 {actual} 不适用 {edition} 版格式（适用于 {years}）",
        "2021年度起使用国办公开办函〔2021〕30号格式，2019、2020年度使用2019年格式。",
        "封面",
    ),
    Rule(
        "S1",
        E,
        "表头和行列标签与官方格式一致",
        "{cell}应为“{expected}”，现为“{actual}”：官方表格的标签不能修改",
        "表格的行、列和标签必须与官方格式一致，不能增删、改名或移动。",
        "结构",
    ),
    Rule(
        "S1.1",
        E,
        "官方表格的工作表齐全",
        "缺少工作表“{sheet}”：官方表格不能删除",
        "三张官方表格缺一不可。",
        "结构",
    ),
    Rule(
        "S1.2",
        E,
        "工作表名称不变",
        "工作表“{actual}”应命名为“{sheet}”",
        "工作表名称用于识别表格，不能修改。",
        "结构",
    ),
    Rule(
        "S1.3",
        E,
        "单元格位置不变",
        "{code}应在 {expected}，现在 {actual}：表格插入、删除或移动了行列",
        "行列的位置与官方格式一一对应，插入或删除行列会使数字错位。",
        "结构",
    ),
    Rule(
        "S2",
        E,
        "总计格保留公式",
        "{cell}是总计格，应为公式 {expected}，现为{actual}",
        "总计由公式计算；改成手填数字后，填写数变化时总计不会随之更新。",
        "结构",
    ),
    Rule(
        "S3",
        W,
        "保存的总计与重新计算的一致",
        "{cell}保存的计算结果 {actual} 与按填写数重新计算的 {expected} 不符",
        "表格保存的总计可能是过时的（未重新计算或被外部程序改写）；以重新计算的为准。",
        "结构",
    ),
    Rule(
        "E1",
        W,
        "公布的表格完整",
        "{where}：在公布的报告中未找到（{count} 格；表格被截断或缺少这部分），未作推测",
        "抽取公布的报告时，找不到的数字如实报告为缺失，不会按0或推算补上。",
        "抽取",
    ),
    Rule(
        "E2",
        INFO,
        "公布的标签与官方格式一致",
        "公布的标签“{actual}”与官方格式“{expected}”不同，已按官方格式对应",
        "公布的报告常有标点、换行或错字上的差异；差异较大时请核对是否对应正确。",
        "抽取",
    ),
    Rule(
        "E3",
        INFO,
        "抽取时的推定",
        "{note}",
        "公布的表格与官方格式的排列不同时，抽取按最可能的对应读取，并在此说明。",
        "抽取",
    ),
    Rule(
        "N1",
        E,
        "正文的新收申请数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“共收到政府信息公开申请N件”即表三“一、本年新收”总计。",
        "正文",
    ),
    Rule(
        "N2",
        E,
        "正文的上年结转数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“含上年结转M件”即表三“二、上年结转”总计。",
        "正文",
    ),
    Rule(
        "N3",
        E,
        "正文的办理数等于表三（七）总计",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“作出答复K件”即表三“（七）总计”。",
        "正文",
    ),
    Rule(
        "N4",
        E,
        "正文的各办理结果数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "予以公开、部分公开、不予公开、无法提供、不予处理、其他处理的件数，分别是表三对应各项之和。",
        "正文",
    ),
    Rule(
        "N5",
        W,
        "正文的百分比与数量相符",
        "正文“{count}件，占{stated}”{reason}，按数量计算应为 {right}",
        "百分比应由数量除以总数得出并四舍五入；为凑成100%而改动的百分比应予核实。",
        "正文",
    ),
    Rule(
        "N6",
        W,
        "正文的同比变化与上年数相符",
        "正文说申请同比{stated}，按上年新收 {before} 件、本年 {now} 件计算应为{right}",
        "同比变化由本年与上年的新收申请数算出；只在给出上年报表时核对。",
        "正文",
    ),
    Rule(
        "N7",
        E,
        "正文的结转下年度数等于表三",
        "正文说{what} {stated} 件，表三为 {table} 件",
        "正文“结转下年度继续办理r件”即表三“四、结转下年度继续办理”总计。",
        "正文",
    ),
    Rule(
        "N8",
        E,
        "正文说未收到申请时表三为0",
        "正文说未收到政府信息公开申请，表三本年新收却为 {table} 件",
        "“未收到申请”意味着表三一、本年新收为0。",
        "正文",
    ),
    Rule(
        "N9",
        E,
        "正文的复议、诉讼说法与表四相符",
        "正文关于“{what}”的说法（{stated}）与表四（{table}）不符",
        "“未发生行政复议、行政诉讼”“均获维持”“行政复议N起”都应与表四一致。",
        "正文",
    ),
    Rule(
        "N10",
        W,
        "正文的规范性文件数与表二相符",
        "正文说{what} {stated} 件，表二为 {table} 件",
        "正文提到的制发、现行有效规范性文件件数应与表二一致。",
        "正文",
    ),
    Rule(
        "N11",
        E,
        "正文没有空缺的数字",
        "正文中有空缺的数字：“{stated}”",
        "数字漏填（“主动公开信息  条”）是常见的发布差错。",
        "正文",
    ),
    Rule(
        "M1",
        W,
        "使用 govxl 模板",
        "不是由 govxl 模板生成的工作簿（缺少模板标识和单元格名称），已按官方格式的单元格位置读取",
        "只有模板能保证公式、锁定和单元格位置正确。其他表格软件另存时丢失的模板标识，按单元格名称和标签认定。",
        "结构",
    ),
    Rule(
        "M2",
        W,
        "使用当前版本的模板",
        "模板版本为 {actual}，当前版本为 {expected}；结构指纹不同，请改用新模板重新填报",
        "旧版模板的结构可能与当前格式不同。",
        "结构",
    ),
)

RULES: dict[str, Rule] = {r.id: r for r in CATALOGUE}


def finding(
    rule_id: str, cells: tuple[CellRef, ...] = (), *, expected: Any = None, actual: Any = None, **fields: Any
) -> Finding:
    """A finding of `rule_id`, its message filled from the catalogue's template."""
    rule = RULES[rule_id]
    anchor = cells[0] if cells else None
    # the sheet is shown beside every message, so a message names the cell alone
    values = {
        "cell": anchor.cell if anchor else "",
        "code": anchor.code if anchor else "",
        "expected": expected,
        "actual": actual,
        **fields,
    }
    return Finding(rule_id, rule.severity, rule.template.format(**values), cells, expected, actual)


def render_markdown() -> str:
    lines = [
        "# 校验规则",
        "",
        "<!-- 由 `govxl rules --format markdown` 生成，请勿手工修改。 -->",
        "",
        "严重程度：**强制**（error）必须改正；**核实**（warning）很可能有误，确属特殊情况的可在“校验结果”表的"
        "“说明”栏写明理由；**提示**（info）仅供参考。规则编号长期不变，不会重复使用。",
        "",
        "| 编号 | 严重程度 | 范围 | 规则 | 提示信息模板 | 依据 |",
        "|---|---|---|---|---|---|",
    ]
    for r in CATALOGUE:
        lines.append(f"| {r.id} | {r.severity.chinese} | {r.scope} | {r.title} | {r.template} | {r.rationale} |")
    return "\n".join(lines) + "\n"
