"""Traditional -> simplified for the official form's own vocabulary, so a report republished through a
traditional-character mirror can still be matched label by label. Only characters that occur in the official
labels and headings are mapped: prose is not translated, only read."""

from __future__ import annotations

# each traditional form of a character that occurs in the official labels, headings or notes
_PAIRS = (
    "萬万 與与 業业 為为 舉举 予予 於于 會会 價价 內内 決决 況况 劃划 區区 單单 危危 卷卷 發发 另另 "
    "後后 國国 復复 複复 審审 對对 屬属 執执 報报 據据 擇择 掌掌 數数 無无 條条 構构 權权 機机 "
    "檔档 歲岁 處处 稱称 穩稳 種种 稅税 類类 係系 糾纠 納纳 組组 織织 經经 結结 繼继 續续 維维 繳缴 "
    "罰罰 罰罚 聯联 護护 獲获 補补 規规 計计 認认 議议 許许 訟讼 訪访 訴诉 話话 詢询 請请 購购 費费 "
    "轉转 過过 這这 通通 逾逾 採采 重重 量量 金金 集集 需需 項项 額额 開开 強强 當当 廢废 總总 "
    "動动 務务 關关 辦办 產产 預预 範范 現现 電电 確确 禁禁 穩稳 稽稽 閱阅 類类 統统 資资 訊讯 "
    "製制 減减 禮礼 貨货 賦赋 這这 連连 選选 麼么 與与 團团 達达 閉闭 門门 間间 陽阳 隊队 雙双 "
    "難难 頁页 題题 類类 顯显 風风 飛飞 價价 體体 點点 黨党 齊齐 龍龙 衛卫 衝冲 裡里 見见 規规 "
    "視视 覽览 設设 說说 課课 調调 論论 證证 識识 譯译 讀读 變变 讓让 讚赞 負负 責责 貢贡 財财 "
    "購购 贈赠 趕赶 輕轻 載载 輸输 辭辞 農农 遞递 適适 遷迁 還还 邊边 鄉乡 醫医 鐘钟 銷销 鎮镇 "
    "長长 閣阁 陳陈 陰阴 陸陆 際际 險险 隨随 雜杂 雞鸡 離离 雲云 靜静 韓韩 響响 頭头 頻频 額额 "
    "願愿 類类 飲饮 養养 餘余 馬马 驗验 體体 髮发 鬥斗 魚鱼 鳥鸟 麥麦 黃黄 點点 齒齿 龜龟 "
    "開开 闡阐 檢检 歸归 殺杀 氣气 漢汉 湯汤 滿满 潔洁 災灾 為为 煙烟 燈灯 營营 牆墙 獨独 獎奖 "
    "環环 瑪玛 產产 畫画 異异 當当 療疗 發发 盡尽 監监 盤盘 眾众 礙碍 禮礼 積积 稱称 窮穷 競竞 "
    "筆笔 節节 範范 築筑 簡简 簽签 糧粮 級级 紀纪 約约 紅红 純纯 紙纸 細细 終终 給给 絕绝 統统 "
    "絲丝 綜综 線线 練练 緣缘 編编 緯纬 縣县 縮缩 績绩 總总 織织 聲声 聽听 職职 腦脑 臺台 與与 "
    "舊旧 艱艰 藝艺 藥药 蘇苏 號号 蟲虫 術术 衛卫 製制 複复 襲袭 覆覆 見见 規规 覺觉 觀观 "
)
T2S = str.maketrans({pair[0]: pair[1] for pair in _PAIRS.split() if len(pair) == 2})
_MARKERS = set("開對總數條項規範處請報發們這經")


def looks_traditional(text: str) -> bool:
    return sum(ch in _MARKERS for ch in text[:20000]) >= 10
