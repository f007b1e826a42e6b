"""Sample documents for `hall print-preview`, the demo and the tests.

Real tickets come from the queue engine and real notices from the hall config; these
only have to look like a day at a county hall.
"""

from __future__ import annotations

from datetime import datetime

from config.schema import ItemType
from firmware_bridge.printer.document import OneTimeNotice, Ticket

SAMPLE_TIME = datetime(2026, 11, 23, 9, 42)


def sample_ticket(issued_at: datetime = SAMPLE_TIME) -> Ticket:
    return Ticket(
        hall_name="城东区政务服务中心",
        number="A012",
        service="社保卡补换",
        department="区人力资源和社会保障局",
        windows=("3号窗口", "4号窗口", "5号窗口"),
        ahead=7,
        estimated_wait_min=21,
        issued_at=issued_at,
        status_url="https://zwfw.example.gov.cn/chengdong/t/q3W8xZp2LmN5vR7t",
    )


SAMPLE_NOTICES: dict[str, OneTimeNotice] = {
    "社保卡补换": OneTimeNotice(
        hall_name="城东区政务服务中心",
        item_name="社会保障卡补换（挂失后补卡、损坏换卡）",
        item_type=ItemType.INSTANT,
        materials=(
            "本人有效居民身份证原件",
            "近期免冠白底彩色证件照1张（已在系统留存照片的可免交）",
            "代办的，另需代办人身份证原件及委托书",
        ),
        procedure=(
            "取号后到人社综合窗口提交材料",
            "窗口核验身份并办理挂失或回收旧卡",
            "现场制卡，领取新卡并激活金融功能",
        ),
        promised_workdays=None,
        fees="工本费按省定标准收取，损坏换卡、到期换卡免费",
        legal_basis=(
            "《中华人民共和国社会保险法》第五十八条",
            "《社会保障卡管理办法》",
        ),
        window_location="一楼B区 3—5号窗口",
        enquiry_phone="0000-12345678",
    ),
    "个体工商户设立登记": OneTimeNotice(
        hall_name="城东区政务服务中心",
        item_name="个体工商户设立登记",
        item_type=ItemType.PROMISED,
        materials=(
            "个体工商户登记（备案）申请书",
            "经营者身份证明",
            "经营场所使用证明",
        ),
        procedure=("网上或窗口申请", "窗口受理审查", "核准登记并发放营业执照"),
        promised_workdays=3,
        fees="不收费",
        legal_basis=("《促进个体工商户发展条例》", "《中华人民共和国市场主体登记管理条例》"),
        window_location="二楼A区 11号窗口",
        enquiry_phone="0000-12345679",
    ),
}
