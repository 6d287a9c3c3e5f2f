"""The word lists of the synthetic district generator (``synth.py``): syllables with their pinyin,
and the bodies, roles, industries, land actions and phrases its sentences are made of.

Every Chinese word comes with the pinyin its slug is made of and its English, so the generator
never calls pypinyin per entity and the same seed always gives the same names. Lists are data:
add a word here and the generator uses it.
"""

from __future__ import annotations


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """``"陈chen 李li"`` → ``(("陈", "chen"), ("李", "li"))``: a character (or two) and its pinyin."""
    out = []
    for item in text.split():
        hanzi = "".join(ch for ch in item if ord(ch) > 0x2E80)
        out.append((hanzi, item[len(hanzi):]))
    return tuple(out)


SURNAMES = _pairs(
    "陈chen 李li 黄huang 梁liang 何he 吴wu 罗luo 冯feng 周zhou 林lin 郭guo 邓deng 麦mai 谭tan 苏su "
    "潘pan 卢lu 蔡cai 叶ye 杨yang 张zhang 刘liu 王wang 赵zhao 孙sun 朱zhu 胡hu 高gao 徐xu 马ma 冼xian "
    "岑cen 廖liao 钟zhong 彭peng 曾zeng 余yu 邱qiu 严yan 关guan 温wen 莫mo 简jian 霍huo 崔cui 方fang "
    "曹cao 欧阳ouyang 司徒situ 区ou"
)

GIVEN = _pairs(
    "伟wei 强qiang 明ming 华hua 军jun 建jian 国guo 志zhi 文wen 杰jie 涛tao 斌bin 勇yong 辉hui 荣rong "
    "锋feng 海hai 波bo 毅yi 敏min 静jing 丽li 芳fang 燕yan 玲ling 婷ting 娟juan 霞xia 红hong 英ying "
    "贤xian 发fa 德de 全quan 耀yao 添tian 炳bing 坤kun 嘉jia 金jin 卓zhuo 瑞rui 泽ze 凯kai 晓xiao "
    "振zhen 达da 汉han 冠guan 宁ning 浩hao 鹏peng 超chao 棠tang 钊zhao 湛zhan 桂gui 满man "
    "锦jin 沛pei 航hang 铭ming 韬tao 彦yan 琳lin 颖ying 欣xin 怡yi 倩qian 洁jie 雯wen 璐lu 茵yin"
)

PLACE = _pairs(
    "新xin 和he 东dong 西xi 南nan 北bei 富fu 安an 平ping 乐le 康kang 荔li 桂gui 龙long 凤feng 华hua "
    "兴xing 盛sheng 昌chang 泰tai 顺shun 德de 宁ning 沙sha 洲zhou 塘tang 涌chong 滘jiao 岗gang 坑keng "
    "湾wan 田tian 江jiang 海hai 山shan 石shi 林lin 桥qiao 埠bu 围wei 基ji 坦tan 水shui 莲lian 藤teng "
    "榄lan 杏xing 槎cha 容rong 伦lun 均jun 逢feng 黎li 葛ge 鸡ji 麦mai 仓cang 岸an 洋yang 溪xi 湖hu"
)

TRADE = _pairs(
    "顺shun 兴xing 宏hong 达da 丰feng 盛sheng 利li 源yuan 鑫xin 恒heng 信xin 祥xiang 瑞rui 通tong "
    "捷jie 美mei 嘉jia 腾teng 泰tai 昌chang 隆long 富fu 汇hui 科ke 创chuang 力li 豪hao 金jin 联lian "
    "冠guan 威wei 华hua 佳jia 德de 凯kai 锐rui 宝bao 晟sheng 优you 粤yue 骏jun 誉yu 湛zhan 迅xun"
)

# (Chinese, slug, English): where a village park lies in its village.
PARK_PARTS = (
    ("东", "dong", "East"), ("西", "xi", "West"), ("南", "nan", "South"), ("北", "bei", "North"),
    ("一", "yi", "No. 1"), ("二", "er", "No. 2"), ("三", "san", "No. 3"), ("新", "xin", "New"),
    ("中", "zhong", "Central"), ("上", "shang", "Upper"), ("下", "xia", "Lower"),
)

# (Chinese, slug, English): the bureaus of a town government.
BUREAUS = (
    ("经济和科技促进局", "jingji-he-keji-cujinju", "Economic and Technology Promotion Bureau"),
    ("国土城建和水利局", "guotu-chengjian-he-shuiliju", "Land, Urban Construction and Water Bureau"),
    ("城市管理和综合执法局", "chengshi-guanli-he-zonghe-zhifaju", "Urban Management and Law Enforcement Bureau"),
    ("安全生产监督管理局", "anquan-shengchan-jiandu-guanliju", "Work Safety Supervision Bureau"),
    ("规划建设局", "guihua-jiansheju", "Planning and Construction Bureau"),
)

# (Chinese, slug, English): the working groups under a town's renovation office.
GROUPS = (
    ("项目策划组", "xiangmu-cehuazu", "Project Planning Group"),
    ("政策宣讲组", "zhengce-xuanjiangzu", "Policy Briefing Group"),
    ("联合执法组", "lianhe-zhifazu", "Joint Enforcement Group"),
)

# slug: (Chinese, English title, English label of the role)
ROLES = {
    "shuji": ("书记", "Secretary", "secretary"),
    "fushuji": ("副书记", "Deputy Secretary", "deputy secretary"),
    "zhuren": ("主任", "Director", "director"),
    "fuzhuren": ("副主任", "Deputy Director", "deputy director"),
    "zhenzhang": ("镇长", "Mayor", "town mayor"),
    "fuzhenzhang": ("副镇长", "Deputy Mayor", "deputy town mayor"),
    "juzhang": ("局长", "Director", "bureau director"),
    "fujuzhang": ("副局长", "Deputy Director", "deputy bureau director"),
    "zuzhang": ("组长", "Leader", "group leader"),
    "fuzuzhang": ("副组长", "Deputy Leader", "deputy group leader"),
}

# (Chinese as written in company names, slug, English): industries, shared by every source.
INDUSTRIES = (
    ("五金制品", "wujin-zhipin", "hardware products"),
    ("家具制造", "jiaju-zhizao", "furniture manufacturing"),
    ("机械装备", "jixie-zhuangbei", "machinery and equipment"),
    ("电子电器", "dianzi-dianqi", "electronics and electrical appliances"),
    ("珠宝首饰", "zhubao-shoushi", "jewellery"),
    ("纺织服装", "fangzhi-fuzhuang", "textiles and garments"),
    ("智能家电", "zhineng-jiadian", "smart home appliances"),
    ("新材料", "xin-cailiao", "new materials"),
    ("精密模具", "jingmi-muju", "precision moulds"),
    ("涂料化工", "tuliao-huagong", "coatings and chemicals"),
    ("包装印刷", "baozhuang-yinshua", "packaging and printing"),
    ("汽车配件", "qiche-peijian", "auto parts"),
)

# Renovation paths (the IRIs and labels of graph/background.ttl) and what a park's project is called.
# slug: (Chinese, project suffix zh, project slug suffix, project English suffix)
PATHS = {
    "ergaiyi": ("二改一", "复绿工程", "fulv-gongcheng", "re-greening works"),
    "ergaier": ("二改二", "产业升级项目", "chanye-shengji-xiangmu", "industrial upgrading project"),
    "ergaisan": ("二改三", "商住综合体项目", "shangzhu-zongheti-xiangmu", "commercial and residential complex project"),
}
PATH_EN = {"ergaiyi": "industrial to agricultural/green (er gai yi)",
           "ergaier": "industrial to industrial (er gai er)",
           "ergaisan": "industrial to tertiary (er gai san)"}

# slug: (Chinese, class, English): land actions on a parcel, by renovation path.
LAND_ACTIONS = {
    "shouchu": ("收储", "cg:LandReserve", "land reserve"),
    "konggui-tiaozheng": ("控规调整", "cg:RegulatoryPlanAdjustment", "regulatory plan adjustment"),
    "chaichu": ("拆除", "cg:Demolition", "demolition"),
    "fulv": ("复绿", "cg:Regreening", "re-greening"),
}
ACTIONS_BY_PATH = {
    "ergaiyi": ("chaichu", "fulv"),
    "ergaier": ("shouchu", "konggui-tiaozheng", "chaichu"),
    "ergaisan": ("shouchu", "konggui-tiaozheng"),
}

# (Chinese, slug, English): what an official says about a park.
PHRASES = (
    ("要抓住村改机遇,腾笼换鸟", "tenglong-huanniao", "must seize the renovation to make room for better industry"),
    ("改造后将成为现代化产业园区", "xiandaihua-yuanqu", "will become a modern industrial park after renovation"),
    ("必须把低效用地变成高效用地", "gaoxiao-yongdi", "must turn inefficient land into efficient land"),
    ("要让企业看到村改带来的红利", "cungai-hongli", "must let enterprises see the dividends of the renovation"),
    ("改造要兼顾村民收益和产业发展", "jiangu-shouyi", "must balance villagers' income and industrial development"),
    ("是今年村改攻坚的重点", "gongjian-zhongdian", "is the focus of this year's renovation push"),
    ("拆除之后要尽快复绿", "jinkuai-fulv", "must be re-greened as soon as it is cleared"),
)

HEADINGS = ("一、基本情况", "二、组织架构", "三、村居改造进展", "四、金句集锦")
