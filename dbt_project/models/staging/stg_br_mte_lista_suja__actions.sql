{{ stage_actions('br_mte_lista_suja__actions') }}
