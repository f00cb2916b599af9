"""UP's 75 districts: LGD code (the district id everywhere), names, division and the short code used in reference numbers."""

from __future__ import annotations

from typing import NamedTuple


class District(NamedTuple):
    lgd: int
    name_en: str
    name_hi: str
    division: str
    code: str


DISTRICTS: dict[int, District] = {d.lgd: d for d in (
    District(118, 'Agra', 'आगरा', 'Agra', 'AGR'),
    District(119, 'Aligarh', 'अलीगढ़', 'Aligarh', 'ALG'),
    District(121, 'Ambedkar Nagar', 'अम्बेडकर नगर', 'Ayodhya', 'ABN'),
    District(640, 'Amethi', 'अमेठी', 'Ayodhya', 'AMT'),
    District(154, 'Amroha', 'अमरोहा', 'Moradabad', 'AMR'),
    District(122, 'Auraiya', 'औरैया', 'Kanpur', 'AUR'),
    District(140, 'Ayodhya', 'अयोध्या', 'Ayodhya', 'AYD'),
    District(123, 'Azamgarh', 'आजमगढ़', 'Azamgarh', 'AZM'),
    District(124, 'Baghpat', 'बागपत', 'Meerut', 'BGP'),
    District(125, 'Bahraich', 'बहराइच', 'Devipatan', 'BRH'),
    District(126, 'Ballia', 'बलिया', 'Azamgarh', 'BLA'),
    District(127, 'Balrampur', 'बलरामपुर', 'Devipatan', 'BLP'),
    District(128, 'Banda', 'बाँदा', 'Chitrakoot', 'BND'),
    District(129, 'Bara Banki', 'बाराबंकी', 'Ayodhya', 'BBK'),
    District(130, 'Bareilly', 'बरेली', 'Bareilly', 'BLY'),
    District(131, 'Basti', 'बस्ती', 'Basti', 'BST'),
    District(179, 'Bhadohi', 'भदोही', 'Mirzapur', 'BHD'),
    District(132, 'Bijnor', 'बिजनौर', 'Moradabad', 'BJN'),
    District(133, 'Budaun', 'बदायूँ', 'Bareilly', 'BDN'),
    District(134, 'Bulandshahr', 'बुलन्दशहर', 'Meerut', 'BSR'),
    District(135, 'Chandauli', 'चन्दौली', 'Varanasi', 'CHD'),
    District(136, 'Chitrakoot', 'चित्रकूट', 'Chitrakoot', 'CKT'),
    District(137, 'Deoria', 'देवरिया', 'Gorakhpur', 'DEO'),
    District(138, 'Etah', 'एटा', 'Aligarh', 'ETH'),
    District(139, 'Etawah', 'इटावा', 'Kanpur', 'ETW'),
    District(141, 'Farrukhabad', 'फर्रुखाबाद', 'Kanpur', 'FRK'),
    District(142, 'Fatehpur', 'फतेहपुर', 'Prayagraj', 'FTP'),
    District(143, 'Firozabad', 'फिरोजाबाद', 'Agra', 'FZB'),
    District(144, 'Gautam Buddha Nagar', 'गौतम बुद्ध नगर', 'Meerut', 'GBN'),
    District(145, 'Ghaziabad', 'गाजियाबाद', 'Meerut', 'GZB'),
    District(146, 'Ghazipur', 'गाजीपुर', 'Varanasi', 'GZP'),
    District(147, 'Gonda', 'गोण्डा', 'Devipatan', 'GND'),
    District(148, 'Gorakhpur', 'गोरखपुर', 'Gorakhpur', 'GKP'),
    District(149, 'Hamirpur', 'हमीरपुर', 'Chitrakoot', 'HMP'),
    District(661, 'Hapur', 'हापुड़', 'Meerut', 'HPR'),
    District(150, 'Hardoi', 'हरदोई', 'Lucknow', 'HRD'),
    District(163, 'Hathras', 'हाथरस', 'Aligarh', 'HTR'),
    District(151, 'Jalaun', 'जालौन', 'Jhansi', 'JLN'),
    District(152, 'Jaunpur', 'जौनपुर', 'Varanasi', 'JNP'),
    District(153, 'Jhansi', 'झाँसी', 'Jhansi', 'JHS'),
    District(155, 'Kannauj', 'कन्नौज', 'Kanpur', 'KNJ'),
    District(156, 'Kanpur Dehat', 'कानपुर देहात', 'Kanpur', 'KPD'),
    District(157, 'Kanpur Nagar', 'कानपुर नगर', 'Kanpur', 'KNP'),
    District(633, 'Kasganj', 'कासगंज', 'Aligarh', 'KSG'),
    District(158, 'Kaushambi', 'कौशाम्बी', 'Prayagraj', 'KSB'),
    District(159, 'Kheri', 'खीरी', 'Lucknow', 'KHR'),
    District(160, 'Kushinagar', 'कुशीनगर', 'Gorakhpur', 'KSN'),
    District(161, 'Lalitpur', 'ललितपुर', 'Jhansi', 'LLP'),
    District(162, 'Lucknow', 'लखनऊ', 'Lucknow', 'LKO'),
    District(165, 'Mahoba', 'महोबा', 'Chitrakoot', 'MHB'),
    District(164, 'Mahrajganj', 'महराजगंज', 'Gorakhpur', 'MRJ'),
    District(166, 'Mainpuri', 'मैनपुरी', 'Agra', 'MNP'),
    District(167, 'Mathura', 'मथुरा', 'Agra', 'MTR'),
    District(168, 'Mau', 'मऊ', 'Azamgarh', 'MAU'),
    District(169, 'Meerut', 'मेरठ', 'Meerut', 'MRT'),
    District(170, 'Mirzapur', 'मिर्जापुर', 'Mirzapur', 'MZP'),
    District(171, 'Moradabad', 'मुरादाबाद', 'Moradabad', 'MBD'),
    District(172, 'Muzaffarnagar', 'मुजफ्फरनगर', 'Saharanpur', 'MZN'),
    District(173, 'Pilibhit', 'पीलीभीत', 'Bareilly', 'PBT'),
    District(174, 'Pratapgarh', 'प्रतापगढ़', 'Prayagraj', 'PTG'),
    District(120, 'Prayagraj', 'प्रयागराज', 'Prayagraj', 'PRJ'),
    District(175, 'Rae Bareli', 'रायबरेली', 'Lucknow', 'RBL'),
    District(176, 'Rampur', 'रामपुर', 'Moradabad', 'RMP'),
    District(177, 'Saharanpur', 'सहारनपुर', 'Saharanpur', 'SRE'),
    District(659, 'Sambhal', 'सम्भल', 'Moradabad', 'SBL'),
    District(178, 'Sant Kabir Nagar', 'संत कबीर नगर', 'Basti', 'SKN'),
    District(180, 'Shahjahanpur', 'शाहजहाँपुर', 'Bareilly', 'SJP'),
    District(660, 'Shamli', 'शामली', 'Saharanpur', 'SML'),
    District(181, 'Shrawasti', 'श्रावस्ती', 'Devipatan', 'SRV'),
    District(182, 'Siddharthnagar', 'सिद्धार्थनगर', 'Basti', 'SDN'),
    District(183, 'Sitapur', 'सीतापुर', 'Lucknow', 'STP'),
    District(184, 'Sonbhadra', 'सोनभद्र', 'Mirzapur', 'SBD'),
    District(185, 'Sultanpur', 'सुलतानपुर', 'Ayodhya', 'SLN'),
    District(186, 'Unnao', 'उन्नाव', 'Lucknow', 'UNA'),
    District(187, 'Varanasi', 'वाराणसी', 'Varanasi', 'VNS'),
)}


def district_key(district: int | None) -> str:
    """A district as officers' alert filters and report names spell it: the LGD code, or "unknown"."""
    return str(district) if district is not None else "unknown"
