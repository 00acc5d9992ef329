{{ stage_actions('br_mte_ceac__actions') }}
